import { type BsonTypeName, bsonTag, bsonTypeOf } from '@mongo-live/bson-order';

/**
 * What the embedded server asks of a value's BSON type beyond comparison (`$type` numbers,
 * numeric and plain-document checks). The classification itself, `bsonTypeOf`, is
 * `@mongo-live/bson-order`'s.
 */

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

/** True for every numeric BSON type (int, long, double, decimal). */
export function isNumericType(t: BsonTypeName): boolean {
  return t === 'int' || t === 'double' || t === 'long' || t === 'decimal';
}

/** True when `v` is a BSON number of any kind (JS number, bigint, Int32, Double, Long, Decimal128). */
export function isNumeric(v: unknown): boolean {
  const t = typeof v;
  if (t === 'number' || t === 'bigint') return true;
  if (t !== 'object' || v === null) return false;
  const tag = bsonTag(v);
  return tag === 'Int32' || tag === 'Double' || tag === 'Long' || tag === 'Decimal128';
}

/** True for a plain sub-document (not an array, not a bson value class, not a Date...). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && bsonTypeOf(v) === 'object';
}
