import type { ChangeStreamOptions } from 'mongodb';
import { Timestamp } from '../driverBson.js';

/**
 * A position in a change stream as a string that sorts like the stream: the upper-case hex
 * `_data` of a resume token. MongoDB (and the embedded server) encode tokens as KeyStrings whose
 * hex form compares like the events they stand for, starting with `82` and the big-endian cluster
 * time, so a bare `82 + time` prefix sorts before every event at that time: it stands for
 * `startAtOperationTime`.
 */
export type PositionKey = string;

/** Where a subscription asks to start: after a token, or at a cluster time. */
export type StartPoint = { token: unknown } | { time: Timestamp };

/** The key of a resume token, or undefined when the token is not a hex KeyString (then it cannot be compared). */
export function tokenKey(token: unknown): PositionKey | undefined {
  const data = token !== null && typeof token === 'object' ? (token as { _data?: unknown })._data : undefined;
  return typeof data === 'string' && data.length >= 18 && /^[0-9A-Fa-f]+$/.test(data) ? data.toUpperCase() : undefined;
}

/** The key just before every event at cluster time `ts`. */
export function timeKey(ts: Timestamp): PositionKey {
  const hex = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `82${hex(ts.getHighBits())}${hex(ts.getLowBits())}`;
}

/** The key of a start point, or undefined when it cannot be compared with other positions. */
export function startKey(start: StartPoint): PositionKey | undefined {
  return 'token' in start ? tokenKey(start.token) : timeKey(start.time);
}

/** The driver options that start a stream at `start`. */
export function startOptions(start: StartPoint): ChangeStreamOptions {
  return 'token' in start
    ? { startAfter: start.token as ChangeStreamOptions['startAfter'] }
    : { startAtOperationTime: start.time };
}

/** The start point a client asked for in its watch options, if any. */
export function startPointOf(options: ChangeStreamOptions): StartPoint | undefined {
  if (options.resumeAfter !== undefined) return { token: options.resumeAfter };
  if (options.startAfter !== undefined) return { token: options.startAfter };
  if (options.startAtOperationTime !== undefined) return { time: options.startAtOperationTime as Timestamp };
  return undefined;
}

/** The cluster time a position key starts with (for choosing the oldest of several). */
export function keyTime(key: PositionKey): Timestamp {
  return new Timestamp({ t: Number.parseInt(key.slice(2, 10), 16), i: Number.parseInt(key.slice(10, 18), 16) });
}
