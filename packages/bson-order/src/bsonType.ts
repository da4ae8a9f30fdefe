/**
 * Classification of JS values as BSON types, the way the server sees them once serialized. By
 * `_bsontype` tags, never `instanceof`: values decoded by bson 6 and bson 7, or by two copies of
 * one version (a CommonJS driver beside an ESM app), are all recognised. Plain JS numbers are
 * int32 when they are 32-bit integers and doubles otherwise, exactly as `bson` serializes them.
 */

/**
 * Canonical BSON type names, as `$type` and the `$type` expression spell them; `missing` is a
 * field that is not there (a JS `undefined`).
 */
export type BsonTypeName =
  | 'double'
  | 'string'
  | 'object'
  | 'array'
  | 'binData'
  | 'undefined'
  | 'objectId'
  | 'bool'
  | 'date'
  | 'null'
  | 'regex'
  | 'dbPointer'
  | 'javascript'
  | 'symbol'
  | 'javascriptWithScope'
  | 'int'
  | 'timestamp'
  | 'long'
  | 'decimal'
  | 'minKey'
  | 'maxKey'
  | 'missing';

const TAG_TO_NAME: Readonly<Record<string, BsonTypeName>> = {
  ObjectId: 'objectId',
  ObjectID: 'objectId',
  Decimal128: 'decimal',
  Long: 'long',
  Int32: 'int',
  Double: 'double',
  Timestamp: 'timestamp',
  Binary: 'binData',
  BSONRegExp: 'regex',
  BSONSymbol: 'symbol',
  Symbol: 'symbol',
  MinKey: 'minKey',
  MaxKey: 'maxKey',
  DBRef: 'object',
  DBPointer: 'dbPointer',
};

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * True for a JS number that `bson` serializes as int32 (an integer in range, and not -0).
 *
 * @example
 * isInt32Number(7) // true
 * isInt32Number(2 ** 31) // false: a double
 */
export function isInt32Number(n: number): boolean {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0);
}

/**
 * The `_bsontype` tag of a bson class instance (`'ObjectId'`, `'Long'`...), or undefined for
 * anything else, `null` and primitives included.
 *
 * @example
 * bsonTag(new ObjectId()) // 'ObjectId'
 * bsonTag({ a: 1 }) // undefined
 */
export function bsonTag(value: unknown): string | undefined {
  const tag = (value as { _bsontype?: unknown } | null | undefined)?._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/**
 * The BSON type of a value; `undefined` (a missing field) is `'missing'`, a `Uint8Array` is
 * `'binData'`, a `bigint` is `'long'`, a Code with a scope is `'javascriptWithScope'`.
 *
 * @example
 * bsonTypeOf(1) // 'int'
 * bsonTypeOf(1.5) // 'double'
 * bsonTypeOf(Long.fromNumber(1)) // 'long'
 */
export function bsonTypeOf(value: unknown): BsonTypeName {
  switch (typeof value) {
    case 'number':
      return isInt32Number(value) ? 'int' : 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return 'missing';
    case 'bigint':
      return 'long';
    case 'symbol':
      return 'symbol';
    case 'function':
      return 'javascript';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  const tag = bsonTag(value);
  if (tag !== undefined) {
    if (tag === 'Code') return (value as { scope?: unknown }).scope ? 'javascriptWithScope' : 'javascript';
    const name = TAG_TO_NAME[tag];
    if (name) return name;
  }
  if (ArrayBuffer.isView(value)) return 'binData';
  return 'object';
}

/**
 * Rank of each type in MongoDB's canonical order (lower sorts first), as the server's
 * `canonicalizeBSONType`: the numbers share one rank, string and symbol one, null and
 * undefined and missing one.
 *
 * @example
 * CANONICAL_RANK.null < CANONICAL_RANK.int // true
 * CANONICAL_RANK.long === CANONICAL_RANK.decimal // true
 */
export const CANONICAL_RANK: Readonly<Record<BsonTypeName, number>> = {
  minKey: -1,
  missing: 5,
  undefined: 5,
  null: 5,
  int: 10,
  long: 10,
  double: 10,
  decimal: 10,
  string: 15,
  symbol: 15,
  object: 20,
  array: 25,
  binData: 30,
  objectId: 35,
  bool: 40,
  date: 45,
  timestamp: 47,
  regex: 50,
  dbPointer: 55,
  javascript: 60,
  javascriptWithScope: 65,
  maxKey: 127,
};

/**
 * Canonical rank of a value's type (see {@link CANONICAL_RANK}).
 *
 * @example
 * canonicalRank(null) < canonicalRank(1) && canonicalRank(1) < canonicalRank('a') // true
 */
export function canonicalRank(value: unknown): number {
  return CANONICAL_RANK[bsonTypeOf(value)];
}
