import { calculateObjectSize, type Document } from 'bson';
import { CommandError } from '../errors.js';
import { MAX_BSON_OBJECT_SIZE } from '../wire/opcodes.js';
import { decodeResumeToken, encodeResumeToken } from './resumeToken.js';

/** mongod's internal object limit (16 MiB + 16 KiB): a bigger event cannot be returned at all. */
const MAX_INTERNAL_OBJECT_SIZE = MAX_BSON_OBJECT_SIZE + 16 * 1024;

/** BSON size of one top-level element `name: value` (type byte, name, NUL, value). */
function elementSize(name: string, value: unknown): number {
  return calculateObjectSize({ [name]: value }, { ignoreUndefined: true }) - 5;
}

/**
 * Size of an event as MongoDB counts it before splitting: its BSON plus its `_id` once more,
 * since the reply carries the same token as postBatchResumeToken.
 */
export function eventSize(event: Document): number {
  return calculateObjectSize(event, { ignoreUndefined: true }) + elementSize('_id', event._id);
}

/** True when the event exceeds the 16 MiB that `$changeStreamSplitLargeEvent` splits at. */
export function needsSplit(event: Document): boolean {
  return eventSize(event) > MAX_BSON_OBJECT_SIZE;
}

/** BSONObjectTooLarge (10334), as mongod fails a change stream whose event is too big to return. */
export function eventTooLarge(event: Document, during: 'aggregate' | 'getMore'): CommandError | undefined {
  const size = calculateObjectSize(event, { ignoreUndefined: true });
  if (size <= MAX_INTERNAL_OBJECT_SIZE && eventSize(event) <= MAX_INTERNAL_OBJECT_SIZE) return undefined;
  return new CommandError(
    10334,
    'BSONObjectTooLarge',
    `Executor error during ${during} :: caused by :: BSONObj size: ${size} (0x${size.toString(16).toUpperCase()}) is invalid. ` +
      `Size must be between 0 and ${MAX_INTERNAL_OBJECT_SIZE}(16MB) First element: _id: { _data: "${(event._id as Document)?._data}" }`,
  );
}

/**
 * Splits an event into fragments as MongoDB 7/8 does: top-level fields (all but `_id`) sorted by
 * BSON size then name, filled greedily into fragments of at most 16 MiB, each fragment with its own
 * resume token (`fragment` k) as `_id` and `splitEvent: { fragment: k + 1, of: n }`.
 */
export function splitLargeEvent(event: Document): Document[] {
  const fields = Object.keys(event)
    .filter((name) => name !== '_id' && event[name] !== undefined)
    .map((name) => ({ name, size: elementSize(name, event[name]) }))
    .sort((a, b) => a.size - b.size || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (fields.length === 0) {
    throw new CommandError(
      7182502,
      'Location7182502',
      "Cannot split an empty event or an event containing solely '_id' field",
    );
  }
  const token = decodeResumeToken(event._id);
  const fragments: Document[] = [];
  let next = 0;
  while (next < fields.length) {
    const _id = encodeResumeToken({ ...token, fragment: fragments.length });
    const fragment: Document = { _id, splitEvent: { fragment: fragments.length + 1, of: 0 } };
    let size = eventSize(fragment);
    do {
      const field = fields[next]!;
      fragment[field.name] = event[field.name];
      size += field.size;
      next++;
    } while (next < fields.length && size + fields[next]!.size <= MAX_BSON_OBJECT_SIZE);
    if (size > MAX_BSON_OBJECT_SIZE) {
      throw new CommandError(
        7182500,
        'Location7182500',
        `Splitting change event failed: fragment size ${size} is greater than maximum allowed fragment size ${MAX_BSON_OBJECT_SIZE}`,
      );
    }
    fragments.push(fragment);
  }
  for (const fragment of fragments) (fragment.splitEvent as Document).of = fragments.length;
  return fragments;
}
