import type { EJSONValue } from './ejson.js';

/**
 * The part of a bson package's `EJSON` a codec needs. Both `import { EJSON } from 'bson'` and the
 * driver's `BSON.EJSON` (`import { BSON } from 'mongodb'`) fit, whatever their major version.
 */
export interface EJSONImplementation {
  serialize(value: unknown, options?: { relaxed?: boolean }): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: bson 6 and 7 declare the argument differently (Document vs any)
  deserialize(ejson: any, options?: { relaxed?: boolean }): any;
}

/** Encodes values to canonical Extended JSON and back, with one bson implementation's classes. */
export interface Codec {
  /** Any value of JS and bson types -> canonical Extended JSON (plain JSON). */
  encode(value: unknown): EJSONValue;
  /** Canonical Extended JSON -> bson values, with Int32, Double and safe Longs as JS numbers. */
  decode<T = unknown>(value: EJSONValue): T;
  /** Canonical Extended JSON -> bson values; numbers keep their Int32, Double or Long wrapper. */
  decodeExact<T = unknown>(value: EJSONValue): T;
}

/**
 * Builds the wire codec on one bson implementation. Values must be encoded by the bson that made
 * them (bson refuses values of another major version), so each side brings its own: the browser
 * uses the `bson` package (the protocol's default `encode`/`decode`), the bridge the BSON of the
 * `mongodb` driver the app installed.
 *
 * @example
 * import { BSON } from 'mongodb';
 * const { encode, decode } = createCodec(BSON.EJSON);
 * decode(encode({ _id: new BSON.ObjectId() }));
 */
export function createCodec(ejson: EJSONImplementation): Codec {
  return {
    encode: (value) => ejson.serialize(value, { relaxed: false }),
    decode: <T>(value: EJSONValue) => toNativeNumbers(ejson.deserialize(value as object, { relaxed: false })) as T,
    decodeExact: <T>(value: EJSONValue) => ejson.deserialize(value as object, { relaxed: false }) as T,
  };
}

/** Tags, not `instanceof`: the values may come from any copy of bson. */
function bsonTypeOf(value: object): string | undefined {
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

function toNativeNumbers(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  switch (bsonTypeOf(value)) {
    // Timestamp is a subclass of Long in bson, but its tag is its own: it stays a Timestamp.
    case 'Timestamp':
      return value;
    case 'Int32':
    case 'Double':
      return (value as { valueOf(): number }).valueOf();
    case 'Long': {
      const n = (value as { toNumber(): number }).toNumber();
      return Number.isSafeInteger(n) ? n : value;
    }
    case undefined:
      break;
    default:
      return value; // ObjectId, Binary, Decimal128...: kept as they are
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = toNativeNumbers(value[i]);
    return value;
  }
  // Only plain objects are walked; other class instances (Date, RegExp...) are left as they are.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = toNativeNumbers(record[key]);
  return record;
}
