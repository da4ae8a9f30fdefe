import { decodeExact, type EJSONValue } from '@mongo-live/protocol';
import { Double, Int32, Long, Timestamp } from 'bson';

/**
 * Decodes canonical Extended JSON into `bson` types with numbers as JS numbers, like the
 * protocol's `decode`, but keeps `Timestamp` a Timestamp: in bson, Timestamp extends Long, and
 * `decode` (protocol 1) turns `clusterTime` into a number. Used for everything the client hands
 * out until the protocol's `decode` is fixed.
 *
 * @example
 * decodeValue({ clusterTime: { $timestamp: { t: 5, i: 1 } } }) // { clusterTime: Timestamp({ t: 5, i: 1 }) }
 */
export function decodeValue<T = unknown>(value: EJSONValue): T {
  return toNative(decodeExact(value)) as T;
}

function toNative(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Timestamp) return value;
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Long) {
    const n = value.toNumber();
    return Number.isSafeInteger(n) ? n : value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = toNative(value[i]);
    return value;
  }
  // Only plain objects are walked; bson class instances (ObjectId, Binary...) stay as they are.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = toNative(record[key]);
  return record;
}
