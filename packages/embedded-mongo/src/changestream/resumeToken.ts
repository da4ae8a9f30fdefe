import { type Document, EJSON, Timestamp } from 'bson';
import { CommandError, commandError } from '../errors.js';
import type { OplogEntry } from '../oplog/OplogEntry.js';

/**
 * Where an event sits in the stream: the cluster time of its oplog entry, then a step inside that
 * entry. An ordinary entry yields at most an event (step 0) and an invalidate (step 1); the ops of
 * a committed transaction are steps 0..n-1 (MongoDB's txnOpIndex); the high-water mark step
 * (0xffffffff) means "everything at this cluster time has been seen". `fragment` is set on the
 * fragments of an event split by `$changeStreamSplitLargeEvent`: fragments 0..fragment were seen.
 */
export interface StreamPosition {
  ts: Timestamp;
  step: number;
  fragment?: number;
}

export const EVENT_STEP = 0;
export const INVALIDATE_STEP = 1;
export const HIGH_WATER_MARK_STEP = 0xffffffff;

/** What a resume token says: a position plus a fingerprint of the oplog entry it came from. */
export interface ResumeTokenData extends StreamPosition {
  /** FNV-1a of the entry's identity (0 for high-water marks), so tokens we never issued are detected. */
  entryHash: number;
}

// `_data` layout (hex, upper case, so tokens sort like the events they stand for):
// '82' | ts.t (8) | ts.i (8) | step (8) | fragment, FFFF for a whole event (4) | entryHash (8) | checksum (8).
// The leading 0x82 and big-endian timestamp match MongoDB's KeyString tokens, so tools that read
// the cluster time out of a token keep working.
const PREFIX = '82';
const TOKEN_LENGTH = 2 + 8 + 8 + 8 + 4 + 8 + 8;
const CHECKSUM_SALT = 'mongo-live/embedded-mongo resume token v2';
const NO_FRAGMENT = 0xffff;

function hex(value: number, width: number): string {
  return (value >>> 0).toString(16).toUpperCase().padStart(width, '0');
}

/** 32-bit FNV-1a over the UTF-16 code units of `text`. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Fingerprint of the oplog entry an event came from (op, namespace, document key). */
export function entryHash(entry: OplogEntry): number {
  const key = entry.documentKey ? EJSON.stringify(entry.documentKey, { relaxed: false }) : '';
  return fnv1a(`${entry.op}|${entry.db}|${entry.coll ?? ''}|${key}`);
}

/** Fingerprint of what a token at `step` of `entry` names: for a transaction, its write at that index. */
export function entryHashAt(entry: OplogEntry, step: number): number {
  const op = entry.op === 'applyOps' ? entry.ops?.[step] : entry;
  return op ? entryHash(op) : 0;
}

/** The `{ _data }` resume token for a position. */
export function encodeResumeToken(data: ResumeTokenData): Document {
  // A whole event sorts after its fragments: fragment k is k, a whole event 0xffff.
  const fragment = data.fragment === undefined ? NO_FRAGMENT : data.fragment;
  const body =
    PREFIX + hex(data.ts.t, 8) + hex(data.ts.i, 8) + hex(data.step, 8) + hex(fragment, 4) + hex(data.entryHash, 8);
  return { _data: body + hex(fnv1a(CHECKSUM_SALT + body), 8) };
}

/** Token for "everything up to and including cluster time `ts` has been seen". */
export function highWaterMarkToken(ts: Timestamp): Document {
  return encodeResumeToken({ ts, step: HIGH_WATER_MARK_STEP, entryHash: 0 });
}

/**
 * Parses a token given as `resumeAfter`/`startAfter`. Throws with MongoDB's codes: 40647 when
 * `_data` is missing or not a string, 40649 when empty, FailedToParse when it is not one of ours.
 */
export function decodeResumeToken(token: unknown): ResumeTokenData {
  const data = (token as Document | null)?._data;
  if (typeof data !== 'string') {
    throw new CommandError(
      40647,
      'Location40647',
      `Bad resume token: _data of missing or of wrong type. Expected string, got ${EJSON.stringify(token ?? null)}`,
    );
  }
  if (data.length === 0) throw new CommandError(40649, 'Location40649', 'invalid empty resume token');
  if (!/^[0-9A-Fa-f]*$/.test(data) || data.length % 2 !== 0) {
    throw commandError('FailedToParse', 'resume token string was not a valid hex string');
  }
  const upper = data.toUpperCase();
  const body = upper.slice(0, TOKEN_LENGTH - 8);
  const valid =
    upper.length === TOKEN_LENGTH &&
    upper.startsWith(PREFIX) &&
    upper.slice(TOKEN_LENGTH - 8) === hex(fnv1a(CHECKSUM_SALT + body), 8);
  if (!valid) {
    throw commandError(
      'FailedToParse',
      `invalid resume token: ${EJSON.stringify(token)} was not issued by this server`,
    );
  }
  const ts = new Timestamp({ t: Number.parseInt(body.slice(2, 10), 16), i: Number.parseInt(body.slice(10, 18), 16) });
  const step = Number.parseInt(body.slice(18, 26), 16);
  const fragment = Number.parseInt(body.slice(26, 30), 16);
  if (step === HIGH_WATER_MARK_STEP && fragment !== NO_FRAGMENT) {
    throw commandError('FailedToParse', `invalid resume token: ${EJSON.stringify(token)}`);
  }
  const entryHash = Number.parseInt(body.slice(30, 38), 16);
  return fragment === NO_FRAGMENT ? { ts, step, entryHash } : { ts, step, fragment, entryHash };
}

/** Orders positions by cluster time, then step, then fragment (a whole event after its fragments). */
export function comparePositions(a: StreamPosition, b: StreamPosition): number {
  return a.ts.compare(b.ts) || a.step - b.step || (a.fragment ?? NO_FRAGMENT) - (b.fragment ?? NO_FRAGMENT);
}

/** The timestamp just before `ts` (so "after predecessor" means "at or after ts"). */
export function previousTimestamp(ts: Timestamp): Timestamp {
  if (ts.i > 0) return new Timestamp({ t: ts.t, i: ts.i - 1 });
  if (ts.t > 0) return new Timestamp({ t: ts.t - 1, i: 0xffffffff });
  return ts;
}
