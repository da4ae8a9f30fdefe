import { type Document, EJSON, type Timestamp } from 'bson';
import { CommandError, commandError } from '../errors.js';
import { bsonTypeOf } from '../query/bsonType.js';
import { runPipeline } from '../query/index.js';
import { deepCopy } from '../storage/deepCopy.js';

/** Stages a change stream may run after `$changeStream` (each works on one event at a time). */
const ALLOWED_STAGES = new Set([
  '$match',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
  '$redact',
  '$changeStreamSplitLargeEvent',
]);

/** Aggregation stages MongoDB knows but refuses in a change stream (IllegalOperation, not 40324). */
const OTHER_KNOWN_STAGES = new Set([
  '$bucket',
  '$bucketAuto',
  '$collStats',
  '$count',
  '$currentOp',
  '$densify',
  '$documents',
  '$facet',
  '$fill',
  '$geoNear',
  '$graphLookup',
  '$group',
  '$indexStats',
  '$limit',
  '$listLocalSessions',
  '$listSearchIndexes',
  '$listSessions',
  '$lookup',
  '$merge',
  '$out',
  '$planCacheStats',
  '$sample',
  '$search',
  '$searchMeta',
  '$setWindowFields',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unionWith',
  '$unwind',
  '$vectorSearch',
]);

/** Applies the user's stages to one event; `undefined` when the event is filtered out. */
export type EventPipeline = (event: Document, clusterTime: Timestamp) => Document | undefined;

/**
 * Checks the stages after `$changeStream` the way MongoDB does (unknown stage 40324, known but
 * not allowed IllegalOperation) and compiles them into a per-event function that also refuses
 * events whose `_id` (the resume token) the pipeline changed (ChangeStreamFatalError 280).
 */
export function compileEventPipeline(stages: Document[], collation?: Document): EventPipeline {
  const kept: Document[] = [];
  for (const stage of stages) {
    const names = bsonTypeOf(stage) === 'object' ? Object.keys(stage) : [];
    if (names.length !== 1) {
      throw new CommandError(
        40323,
        'Location40323',
        'A pipeline stage specification object must contain exactly one field.',
      );
    }
    const name = names[0]!;
    if (name === '$changeStream') {
      throw new CommandError(40602, 'Location40602', '$changeStream is only valid as the first stage in a pipeline');
    }
    if (ALLOWED_STAGES.has(name)) {
      // Events are never large enough to split; the stage is accepted and does nothing.
      if (name !== '$changeStreamSplitLargeEvent') kept.push(stage);
      continue;
    }
    if (OTHER_KNOWN_STAGES.has(name)) {
      throw commandError('IllegalOperation', `${name} is not permitted in a $changeStream pipeline`);
    }
    throw new CommandError(40324, 'Location40324', `Unrecognized pipeline stage name: '${name}'`);
  }
  if (kept.length === 0) return (event) => event;
  return (event, clusterTime) => {
    const token = EJSON.stringify(event._id, { relaxed: false });
    const options = collation
      ? { collation, variables: { CLUSTER_TIME: clusterTime } }
      : { variables: { CLUSTER_TIME: clusterTime } };
    // The stages may modify documents in place: never let them touch the oplog's images.
    const [out] = runPipeline([deepCopy(event)], kept, options);
    if (out === undefined) return undefined;
    if (out._id === undefined || EJSON.stringify(out._id, { relaxed: false }) !== token) {
      throw commandError(
        'ChangeStreamFatalError',
        'Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. ' +
          'Modifying the _id field of an event makes it impossible to resume the stream from that point. ' +
          'Only transformations that retain the unmodified _id field are allowed.',
        { errorLabels: ['NonResumableChangeStreamError'] },
      );
    }
    return out;
  };
}
