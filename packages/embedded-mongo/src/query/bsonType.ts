/**
 * Classification of JS values as BSON types, the way the server sees them once serialized.
 * Works with values decoded either way (`promoteValues` on or off): plain JS numbers are
 * int32 when they are 32-bit integers and doubles otherwise, exactly as `bson` serializes them.
 */

/** Canonical BSON type names, as `$type` and the `$type` expression spell them. */
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

/** BSON type numbers of each type name (`$type: 16` means int). */
export const BSON_TYPE_NUMBER: Readonly<Record<Exclude<BsonTypeName, 'missing'>, number>> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

const BSONTYPE_TO_NAME: Readonly<Record<string, BsonTypeName>> = {
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

/** True for a JS number that `bson` would serialize as int32. */
export function isInt32Number(n: number): boolean {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0);
}

/** The `_bsontype` tag of a bson class instance, if any. */
export function bsonTag(v: object): string | undefined {
  const tag = (v as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** The BSON type of a value; `undefined` (a missing field) is 'missing'. */
export function bsonTypeOf(v: unknown): BsonTypeName {
  switch (typeof v) {
    case 'number':
      return isInt32Number(v) ? 'int' : 'double';
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
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  const tag = bsonTag(v as object);
  if (tag !== undefined) {
    if (tag === 'Code') return (v as { scope?: unknown }).scope ? 'javascriptWithScope' : 'javascript';
    const name = BSONTYPE_TO_NAME[tag];
    if (name) return name;
  }
  if (ArrayBuffer.isView(v)) return 'binData';
  return 'object';
}

/** True for every numeric BSON type (int, long, double, decimal). */
export function isNumericType(t: BsonTypeName): boolean {
  return t === 'int' || t === 'double' || t === 'long' || t === 'decimal';
}

/** True when `v` is a BSON number of any kind (JS number, bigint, Int32, Double, Long, Decimal128). */
export function isNumeric(v: unknown): boolean {
  const t = typeof v;
  if (t === 'number' || t === 'bigint') return true;
  if (t !== 'object' || v === null) return false;
  const tag = bsonTag(v as object);
  return tag === 'Int32' || tag === 'Double' || tag === 'Long' || tag === 'Decimal128';
}

/**
 * Rank of a type in MongoDB's canonical sort order (lower sorts first). Numbers share one rank,
 * string and symbol share one, null and undefined share one.
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

/** Canonical rank of a value's type (see {@link CANONICAL_RANK}). */
export function canonicalRank(v: unknown): number {
  return CANONICAL_RANK[bsonTypeOf(v)];
}

/** True for a plain sub-document (not an array, not a bson value class, not a Date...). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && bsonTypeOf(v) === 'object';
}
