import { decode, type EJSONValue } from '@mongo-live/protocol';

/**
 * Decodes canonical Extended JSON into `bson` types with numbers as JS numbers (Timestamp stays a
 * Timestamp). Kept as a name of its own for compatibility; it is the protocol's `decode`.
 *
 * @example
 * decodeValue({ clusterTime: { $timestamp: { t: 5, i: 1 } } }) // { clusterTime: Timestamp({ t: 5, i: 1 }) }
 */
export function decodeValue<T = unknown>(value: EJSONValue): T {
  return decode<T>(value);
}
