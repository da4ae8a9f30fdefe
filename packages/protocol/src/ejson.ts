import { EJSON, ObjectId, Timestamp } from 'bson';
import { createCodec } from './codec.js';

/**
 * A value as it travels on the wire: the canonical Extended JSON (v2) form of a BSON value,
 * i.e. plain JSON in which `{ $oid }`, `{ $date }`, `{ $numberDecimal }`, `{ $timestamp }`,
 * `{ $binary }`... stand for the BSON types.
 */
export type EJSONValue = unknown;
/** A document in canonical Extended JSON form. */
export type EJSONDocument = Record<string, unknown>;

// The browser's codec, on the `bson` package. The bridge builds its own on the driver's BSON.
const bsonCodec = createCodec(EJSON, { ObjectId, Timestamp });

/**
 * Encodes any value made of JS and `bson` types into canonical Extended JSON, so that every
 * BSON type survives socket.io's JSON transport exactly.
 *
 * @example
 * encode({ _id: new ObjectId(), at: new Date() }) // { _id: { $oid: '...' }, at: { $date: { $numberLong: '...' } } }
 */
export const encode: (value: unknown) => EJSONValue = bsonCodec.encode;

/**
 * Decodes canonical Extended JSON back into `bson` types. Numbers come back as JS numbers
 * (Int32 and Double lose their wrapper; a Long becomes a number only when it fits exactly,
 * otherwise it stays a `Long`), so UI code reads `doc.price` as a number while ObjectId,
 * Date, Decimal128, Timestamp, Binary and resume tokens round-trip exactly.
 *
 * @example
 * decode(encode({ n: 1, id: new ObjectId('64b7...') })) // { n: 1, id: ObjectId('64b7...') }
 */
export const decode: <T = unknown>(value: EJSONValue) => T = bsonCodec.decode;

/** Decodes without unwrapping numbers: Int32, Double and Long stay `bson` objects. */
export const decodeExact: <T = unknown>(value: EJSONValue) => T = bsonCodec.decodeExact;
