// Classifying and comparing BSON values as the driver hands them to us (promoted JS values or bson classes).
import { EJSON } from 'bson';

type BsonTagged = { _bsontype: string };

function bsonTypeOf(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && '_bsontype' in value) {
    return String((value as BsonTagged)._bsontype);
  }
  return undefined;
}

/** A plain document (not an array, not a BSON value class, not a Date/RegExp/binary buffer). */
export function isDocument(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value) || value instanceof Date || value instanceof RegExp) return false;
  if (ArrayBuffer.isView(value)) return false;
  return bsonTypeOf(value) === undefined;
}

/** The numeric value of a JS number or a BSON Int32/Long/Double; undefined for anything else (Decimal128 too). */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const tag = bsonTypeOf(value);
  if (tag === 'Int32' || tag === 'Double') return (value as { valueOf(): number }).valueOf();
  if (tag === 'Long') return (value as { toNumber(): number }).toNumber();
  return undefined;
}

/**
 * Whether `value` has the BSON type named as in the $type query operator.
 * The driver promotes int32, int64 and double replies to JS numbers, so a JS number matches 'double'
 * always and 'int'/'long' when it is integral (int only within 32 bits): the original width is lost.
 */
export function hasBsonType(value: unknown, type: string): boolean {
  const tag = bsonTypeOf(value);
  switch (type) {
    case 'double':
      return typeof value === 'number' || tag === 'Double';
    case 'int':
      return (
        (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) ||
        tag === 'Int32'
      );
    case 'long':
      return (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint' || tag === 'Long';
    case 'decimal':
      return tag === 'Decimal128';
    case 'number':
      return numericValue(value) !== undefined || tag === 'Decimal128';
    case 'string':
      return typeof value === 'string';
    case 'object':
      return isDocument(value) || tag === 'DBRef';
    case 'array':
      return Array.isArray(value);
    case 'binData':
      return tag === 'Binary' || ArrayBuffer.isView(value);
    case 'undefined':
      return value === undefined;
    case 'objectId':
      return tag === 'ObjectId';
    case 'bool':
      return typeof value === 'boolean';
    case 'date':
      return value instanceof Date;
    case 'null':
      return value === null;
    case 'regex':
      return value instanceof RegExp || tag === 'BSONRegExp';
    case 'dbPointer':
      return tag === 'DBPointer';
    case 'javascript':
      return tag === 'Code' && (value as { scope?: unknown }).scope == null;
    case 'javascriptWithScope':
      return tag === 'Code' && (value as { scope?: unknown }).scope != null;
    case 'symbol':
      return tag === 'BSONSymbol';
    case 'timestamp':
      return tag === 'Timestamp';
    case 'minKey':
      return tag === 'MinKey';
    case 'maxKey':
      return tag === 'MaxKey';
    default:
      throw new Error(`runner: unknown $$type name '${type}'`);
  }
}

/** A short, readable rendering of a value for failure messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined (missing)';
  try {
    const text = EJSON.stringify(value as never, { relaxed: true });
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return String(value);
  }
}

/** Equality of two scalar (non-document, non-array) values, with flexible numerics. */
export function scalarsEqual(expected: unknown, actual: unknown): boolean {
  const expectedNumber = numericValue(expected);
  if (expectedNumber !== undefined) {
    const actualNumber = numericValue(actual);
    if (actualNumber === undefined) return false;
    return Number.isNaN(expectedNumber) ? Number.isNaN(actualNumber) : expectedNumber === actualNumber;
  }
  if (expected === null || typeof expected !== 'object') return expected === actual;
  if (expected instanceof Date) return actual instanceof Date && actual.getTime() === expected.getTime();
  if (actual === null || typeof actual !== 'object') return false;
  // Everything else (ObjectId, Binary, Timestamp, Decimal128, RegExp...): compare canonical Extended JSON.
  return canonical(expected) === canonical(actual);
}

function canonical(value: unknown): string {
  return EJSON.stringify({ v: value } as never, { relaxed: false });
}
