import { Double, EJSON, Int32, Long, Timestamp } from 'bson';

/**
 * A value as it travels on the wire: the canonical Extended JSON (v2) form of a BSON value,
 * i.e. plain JSON in which `{ $oid }`, `{ $date }`, `{ $numberDecimal }`, `{ $timestamp }`,
 * `{ $binary }`... stand for the BSON types.
 */
export type EJSONValue = unknown;
/** A document in canonical Extended JSON form. */
export type EJSONDocument = Record<string, unknown>;

/**
 * Encodes any value made of JS and `bson` types into canonical Extended JSON, so that every
 * BSON type survives socket.io's JSON transport exactly.
 *
 * @example
 * encode({ _id: new ObjectId(), at: new Date() }) // { _id: { $oid: '...' }, at: { $date: { $numberLong: '...' } } }
 */
export function encode(value: unknown): EJSONValue {
  return EJSON.serialize(value, { relaxed: false });
}

/**
 * Decodes canonical Extended JSON back into `bson` types. Numbers come back as JS numbers
 * (Int32 and Double lose their wrapper; a Long becomes a number only when it fits exactly,
 * otherwise it stays a `Long`), so UI code reads `doc.price` as a number while ObjectId,
 * Date, Decimal128, Timestamp, Binary and resume tokens round-trip exactly.
 *
 * @example
 * decode(encode({ n: 1, id: new ObjectId('64b7...') })) // { n: 1, id: ObjectId('64b7...') }
 */
export function decode<T = unknown>(value: EJSONValue): T {
  return toNativeNumbers(EJSON.deserialize(value as object, { relaxed: false })) as T;
}

/** Decodes without unwrapping numbers: Int32, Double and Long stay `bson` objects. */
export function decodeExact<T = unknown>(value: EJSONValue): T {
  return EJSON.deserialize(value as object, { relaxed: false }) as T;
}

function toNativeNumbers(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Timestamp is a subclass of Long in bson: keep it before the Long check turns it into a number.
  if (value instanceof Timestamp) return value;
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Long) {
    const n = value.toNumber();
    return Number.isSafeInteger(n) ? n : value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = toNativeNumbers(value[i]);
    return value;
  }
  // Only plain objects are walked; bson class instances (ObjectId, Binary...) are left as they are.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = toNativeNumbers(record[key]);
  return record;
}
