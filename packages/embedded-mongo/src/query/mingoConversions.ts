import { bsonTypeOf, numericView } from '@mongo-live/bson-order';
import { Decimal128, Double, Int32, Long, ObjectId, type Timestamp } from 'bson';
import { evalExpr } from 'mingo/core';
import {
  $abs,
  $arrayElemAt,
  $ceil,
  $exp,
  $floor,
  $ln,
  $log,
  $log10,
  $mod,
  $pow,
  $range,
  $round,
  $slice,
  $sqrt,
  $substr,
  $substrBytes,
  $substrCP,
  $trunc,
} from 'mingo/operators/expression';
import type { Any, AnyObject, Options } from 'mingo/types';
import { isNumeric } from './bsonType.js';
import { toJsNumber } from './numeric.js';

/**
 * Expression operators that mingo lacks or that only accept JS numbers: type conversions that
 * produce and read BSON classes ($toLong gives a Long, $toString of an ObjectId is its hex),
 * timestamp parts, and math/index operators fed BSON numbers.
 */
type ExpressionFn = (obj: AnyObject, expr: Any, options: Options) => Any;

function unary(obj: AnyObject, expr: Any, options: Options): unknown {
  return evalExpr(obj, Array.isArray(expr) && expr.length === 1 ? expr[0] : expr, options);
}

function conversionError(value: unknown, to: string): never {
  throw new Error(
    `Failed to parse number '${String(value)}' in $convert with no onError value: cannot convert to ${to}`,
  );
}

function integerOf(value: unknown, to: 'int' | 'long'): bigint | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (value instanceof Date) return BigInt(value.getTime());
  if (typeof value === 'string') {
    if (!/^[+-]?\d+$/.test(value.trim())) conversionError(value, to);
    return BigInt(value.trim());
  }
  const n = numericView(value);
  if (!n)
    throw new Error(`Unsupported conversion from ${bsonTypeOf(value)} to ${to} in $convert with no onError value`);
  if (n.big !== undefined) return n.big;
  const x = n.kind === 'decimal' ? Number(n.dec!.toString()) : n.num;
  if (!Number.isFinite(x))
    throw new Error(`Attempt to convert ${x} value to integer type in $convert with no onError value`);
  return BigInt(Math.trunc(x));
}

const $toLong: ExpressionFn = (obj, expr, options) => {
  const v = integerOf(unary(obj, expr, options), 'long');
  return v === null ? null : Long.fromBigInt(v);
};

const $toInt: ExpressionFn = (obj, expr, options) => {
  const v = integerOf(unary(obj, expr, options), 'int');
  if (v === null) return null;
  if (v < -2147483648n || v > 2147483647n)
    throw new Error(`Conversion would overflow target type in $convert with no onError value: ${v}`);
  return new Int32(Number(v));
};

const $toDouble: ExpressionFn = (obj, expr, options) => {
  const v = unary(obj, expr, options);
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return new Double(v ? 1 : 0);
  if (v instanceof Date) return new Double(v.getTime());
  const n = typeof v === 'string' ? Number(v) : toJsNumber(v);
  if (n === undefined || (typeof v === 'string' && Number.isNaN(n))) conversionError(v, 'double');
  return new Double(n);
};

const $toDecimal: ExpressionFn = (obj, expr, options) => {
  const v = unary(obj, expr, options);
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return Decimal128.fromString(v ? '1' : '0');
  if (v instanceof Date) return Decimal128.fromString(String(v.getTime()));
  if (typeof v === 'string') return Decimal128.fromString(v);
  const n = numericView(v);
  if (!n) throw new Error(`Unsupported conversion from ${bsonTypeOf(v)} to decimal in $convert with no onError value`);
  if (n.kind === 'decimal') return v;
  if (n.big !== undefined) return Decimal128.fromString(n.big.toString());
  return Decimal128.fromString(n.kind === 'int' ? String(n.num) : n.num.toPrecision(15));
};

function stringOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  switch (bsonTypeOf(v)) {
    case 'objectId':
      return (v as ObjectId).toHexString();
    case 'long':
    case 'decimal':
    case 'int':
    case 'double':
    case 'bool':
      return String(typeof v === 'object' ? (v as { toString(): string }).toString() : v);
    case 'binData':
      return (v as { toString(format: string): string }).toString('base64');
    case 'symbol':
      return String((v as { value: unknown }).value);
  }
  throw new Error(`Unsupported conversion from ${bsonTypeOf(v)} to string in $convert with no onError value`);
}

const $toString: ExpressionFn = (obj, expr, options) => stringOf(unary(obj, expr, options));

const $toObjectId: ExpressionFn = (obj, expr, options) => {
  const v = unary(obj, expr, options);
  if (v === null || v === undefined) return null;
  if (bsonTypeOf(v) === 'objectId') return v;
  if (typeof v === 'string' && /^[0-9a-fA-F]{24}$/.test(v)) return new ObjectId(v);
  throw new Error(`Failed to parse objectId '${String(v)}' in $convert with no onError value`);
};

const $isNumber: ExpressionFn = (obj, expr, options) => isNumeric(unary(obj, expr, options));

const $tsSecond: ExpressionFn = (obj, expr, options) => {
  const v = unary(obj, expr, options);
  if (v === null || v === undefined) return null;
  if (bsonTypeOf(v) !== 'timestamp')
    throw new Error(`$tsSecond requires a timestamp argument, found: ${bsonTypeOf(v)}`);
  return Long.fromNumber((v as Timestamp).t);
};

const $tsIncrement: ExpressionFn = (obj, expr, options) => {
  const v = unary(obj, expr, options);
  if (v === null || v === undefined) return null;
  if (bsonTypeOf(v) !== 'timestamp')
    throw new Error(`$tsIncrement requires a timestamp argument, found: ${bsonTypeOf(v)}`);
  return Long.fromNumber((v as Timestamp).i);
};

/** Replaces BSON numbers by JS numbers inside evaluated arguments (lossless for int/double). */
function plainNumbers(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plainNumbers);
  return isNumeric(v) && typeof v !== 'number' ? toJsNumber(v) : v;
}

/** Wraps a mingo operator so that it receives BSON numbers as JS numbers. */
function withJsNumbers(original: ExpressionFn): ExpressionFn {
  return (obj, expr, options) => {
    const args = plainNumbers(evalExpr(obj, expr, options));
    const literal = Array.isArray(args) ? args.map((a) => ({ $literal: a })) : { $literal: args };
    return original(obj, literal, options);
  };
}

const NUMERIC_ARGUMENT_OPERATORS: Record<`$${string}`, unknown> = {
  $abs,
  $ceil,
  $floor,
  $trunc,
  $round,
  $mod,
  $pow,
  $sqrt,
  $exp,
  $ln,
  $log,
  $log10,
  $arrayElemAt,
  $slice,
  $range,
  $substr,
  $substrBytes,
  $substrCP,
};

/** Expression operators replacing or completing mingo's. */
export const conversionExpressions: Record<`$${string}`, ExpressionFn> = {
  $toLong,
  $toInt,
  $toDouble,
  $toDecimal,
  $toString,
  $toObjectId,
  $isNumber,
  $tsSecond,
  $tsIncrement,
  ...Object.fromEntries(
    Object.entries(NUMERIC_ARGUMENT_OPERATORS).map(([name, fn]) => [name, withJsNumbers(fn as ExpressionFn)]),
  ),
};
