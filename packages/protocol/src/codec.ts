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

/**
 * The bson classes `decode` may build directly: the ones every change event holds. Both the `bson`
 * package and the driver's `BSON` namespace fit. Without them those leaves go through `EJSON`.
 */
export interface CodecClasses {
  ObjectId: new (hex: string) => unknown;
  Timestamp: new (value: { t: number; i: number }) => unknown;
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
 * const { encode, decode } = createCodec(BSON.EJSON, BSON);
 * decode(encode({ _id: new BSON.ObjectId() }));
 */
export function createCodec(ejson: EJSONImplementation, classes?: CodecClasses): Codec {
  const serialize = (value: unknown) => ejson.serialize(value, { relaxed: false });
  const deserialize = (value: unknown) => ejson.deserialize(value as object, { relaxed: false });
  const leaves: Leaves = { viaBson: (v) => toNativeNumbers(deserialize(v)), classes };
  return {
    encode: (value) => encodeValue(value, serialize, new Set()) ?? serialize(value),
    decode: <T>(value: EJSONValue) => decodeValue(value, leaves) as T,
    decodeExact: <T>(value: EJSONValue) => deserialize(value) as T,
  };
}

// bson's EJSON.serialize is JSON.parse(EJSON.stringify(value)) and EJSON.deserialize is
// JSON.parse(JSON.stringify(value)) with a reviver: a whole extra text round trip per message, on
// top of socket.io's own. The walks below do the structure (plain objects, arrays, primitives)
// directly and hand only the BSON leaves to bson, so the result is bson's by construction.

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_LIMIT = 2 ** 63;

/** Canonical Extended JSON of a number, as bson writes it (relaxed: false). */
function encodeNumber(n: number): EJSONValue {
  if (Number.isInteger(n) && !Object.is(n, -0)) {
    if (n >= INT32_MIN && n <= INT32_MAX) return { $numberInt: n.toString() };
    if (n >= -INT64_LIMIT && n <= INT64_LIMIT) return { $numberLong: n.toString() };
  }
  return { $numberDouble: Object.is(n, -0) ? '-0.0' : n.toString() };
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` must stay an own data property, never become the object's prototype.
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

function isPlainRecord(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && (value as { _bsontype?: unknown })._bsontype === undefined;
}

/** Undefined for what JSON drops (functions, symbols): left out of objects, null in arrays. */
function encodeValue(value: unknown, serialize: (value: unknown) => unknown, ancestors: Set<object>): EJSONValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return encodeNumber(value);
    case 'undefined':
      return null;
    case 'object':
      break;
    case 'function':
    case 'symbol':
      return undefined;
    default:
      return serialize(value); // bigint
  }
  if (value === null) return null;
  if (value instanceof Date) return { $date: { $numberLong: value.getTime().toString() } };
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainRecord(value)) {
    // The two BSON types of every change event, as bson 6 and 7 write them; the rest is bson's.
    const tag = bsonTypeOf(value);
    if (tag === 'ObjectId') return { $oid: (value as { toHexString(): string }).toHexString() };
    if (tag === 'Timestamp') {
      const { high, low } = value as { high: number; low: number };
      return { $timestamp: { t: high >>> 0, i: low >>> 0 } };
    }
    return serialize(value); // every other BSON class, Map, RegExp, class instances: bson decides
  }
  if (ancestors.has(value)) throw new TypeError('Converting circular structure to EJSON');
  ancestors.add(value);
  try {
    if (isArray) return value.map((item) => encodeValue(item, serialize, ancestors) ?? null);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const encoded = encodeValue(value[key], serialize, ancestors);
      if (encoded !== undefined) setOwn(out, key, encoded);
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

const OBJECT_ID_HEX = /^[0-9a-fA-F]{24}$/;
const isUint32 = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0xffffffff;

// Canonical integers of up to 15 digits: safe integers, the number bson's Long would give. Any
// other text (leading zeros, '-0', '+', longer) is bson's to accept or refuse.
const SAFE_DIGITS = /^(?:0|-?[1-9]\d{0,14})$/;

/**
 * The native value bson's canonical decode plus `toNativeNumbers` gives for the commonest leaves
 * (every number and date of a message is one), or undefined to let bson decode the leaf.
 */
function nativeLeaf(key: string, leaf: Record<string, unknown>, classes: CodecClasses | undefined): unknown {
  const text = leaf[key];
  switch (key) {
    case '$oid':
      // The very call bson's ObjectId.fromExtendedJSON makes, for the only input it accepts as is.
      return classes && typeof text === 'string' && OBJECT_ID_HEX.test(text) ? new classes.ObjectId(text) : undefined;
    case '$timestamp': {
      // bson reads t and i as numbers (through Int32/Long), then calls new Timestamp({ t, i }).
      const { t, i } = (text ?? {}) as { t?: unknown; i?: unknown };
      const exact = typeof text === 'object' && text !== null && Object.keys(text).length === 2;
      return classes && exact && isUint32(t) && isUint32(i) ? new classes.Timestamp({ t, i }) : undefined;
    }
    case '$numberInt':
      return typeof text === 'string' ? +text | 0 : undefined; // as bson's Int32
    case '$numberDouble':
      return typeof text === 'string' ? Number.parseFloat(text) : undefined; // as bson's Double
    case '$numberLong':
      return typeof text === 'string' && SAFE_DIGITS.test(text) ? Number(text) : undefined;
    case '$date': {
      const millis = (text as { $numberLong?: unknown } | null)?.$numberLong;
      const exact = typeof text === 'object' && text !== null && Object.keys(text).length === 1;
      return exact && typeof millis === 'string' && SAFE_DIGITS.test(millis) ? new Date(Number(millis)) : undefined;
    }
  }
  return undefined;
}

interface Leaves {
  /** Decodes a value with bson, then makes its numbers native. */
  viaBson(value: unknown): unknown;
  classes: CodecClasses | undefined;
}

function decodeValue(value: unknown, leaves: Leaves): unknown {
  if (typeof value === 'number') {
    // bson turns integers in (2^53, 2^63] into Longs, which stay Longs when they are not safe.
    if (Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) <= INT64_LIMIT)
      return leaves.viaBson(value);
    return value === 0 ? 0 : value; // JSON text has no -0
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => decodeValue(item, leaves));
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const native = nativeLeaf(keys[0] as string, record, leaves.classes);
    if (native !== undefined) return native;
  }
  // `$` keys are BSON types (or DBRefs); a NUL in a key is an error bson reports: both are bson's.
  for (const key of keys) if (key.startsWith('$') || key.includes('\0')) return leaves.viaBson(record);
  const out: Record<string, unknown> = {};
  for (const key of keys) setOwn(out, key, decodeValue(record[key], leaves));
  return out;
}

/** Tags, not `instanceof`: the values may come from any copy of bson. */
function bsonTypeOf(value: object): string | undefined {
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** @internal What `decode` does after bson: Int32, Double and safe Longs become JS numbers. Exported for its tests. */
export function toNativeNumbers(value: unknown): unknown {
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
