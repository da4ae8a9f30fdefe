import { bsonTypeOf, compareValues, type ExactDecimal, exactDecimal, numericView } from '@mongo-live/bson-order';
import { Decimal128, Double, Long } from 'bson';
import { evalExpr } from 'mingo/core';
import type { Any, AnyObject, Options } from 'mingo/types';
import { isNumeric } from './bsonType.js';
import { decimalFromBigInt, decimalFromDouble, toDecimal128 } from './decimal.js';
import { addNumbers, multiplyNumbers, toJsNumber } from './numeric.js';

/**
 * Aggregation arithmetic and accumulators over BSON numbers, replacing mingo's (which only know JS
 * numbers): int + int overflowing to long, long overflowing to double, decimal when any operand is.
 */
type ExpressionFn = (obj: AnyObject, expr: Any, options: Options) => Any;
type AccumulatorFn = (collection: AnyObject[], expr: Any, options: Options) => Any;

function fail(message: string): never {
  throw new Error(message);
}

/** a + b for aggregation: like $inc, but a long overflow becomes a double instead of an error. */
function add(a: unknown, b: unknown): unknown {
  const r = addNumbers(a, b);
  return r ? r.value : new Double(toJsNumber(a)! + toJsNumber(b)!);
}

function multiply(a: unknown, b: unknown): unknown {
  const r = multiplyNumbers(a, b);
  return r ? r.value : new Double(toJsNumber(a)! * toJsNumber(b)!);
}

function negate(v: unknown): unknown {
  return multiply(v, numericView(v)?.kind === 'decimal' ? Decimal128.fromString('-1') : -1);
}

function argsOf(obj: AnyObject, expr: Any, options: Options, name: string): unknown[] {
  const args = evalExpr(obj, expr, options);
  if (!Array.isArray(args)) fail(`${name} expects an array of arguments`);
  return args;
}

const $add: ExpressionFn = (obj, expr, options) => {
  let sum: unknown = 0;
  let date: Date | undefined;
  for (const v of argsOf(obj, expr, options, '$add')) {
    if (v === null || v === undefined) return null;
    if (v instanceof Date) {
      if (date) fail('only one date allowed in an $add expression');
      date = v;
    } else if (isNumeric(v)) {
      sum = add(sum, v);
    } else {
      fail(`$add only supports numeric or date types, not ${bsonTypeOf(v)}`);
    }
  }
  return date ? new Date(date.getTime() + Math.round(toJsNumber(sum)!)) : sum;
};

const $subtract: ExpressionFn = (obj, expr, options) => {
  const [a, b] = argsOf(obj, expr, options, '$subtract');
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (a instanceof Date && b instanceof Date) return Long.fromNumber(a.getTime() - b.getTime());
  if (a instanceof Date && isNumeric(b)) return new Date(a.getTime() - Math.round(toJsNumber(b)!));
  if (isNumeric(a) && isNumeric(b)) return add(a, negate(b));
  return fail(`can't $subtract ${bsonTypeOf(b)} from ${bsonTypeOf(a)}`);
};

const $multiply: ExpressionFn = (obj, expr, options) => {
  let product: unknown = 1;
  for (const v of argsOf(obj, expr, options, '$multiply')) {
    if (v === null || v === undefined) return null;
    if (!isNumeric(v)) fail(`$multiply only supports numeric types, not ${bsonTypeOf(v)}`);
    product = multiply(product, v);
  }
  return product;
};

function toExact(v: unknown): ExactDecimal {
  const n = numericView(v)!;
  if (n.kind === 'decimal') return exactDecimal(n.dec!);
  if (n.big !== undefined) return decimalFromBigInt(n.big);
  return decimalFromDouble(n.num);
}

const $divide: ExpressionFn = (obj, expr, options) => {
  const [a, b] = argsOf(obj, expr, options, '$divide');
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (!isNumeric(a) || !isNumeric(b))
    fail(`$divide only supports numeric types, not ${bsonTypeOf(a)} and ${bsonTypeOf(b)}`);
  if (compareValues(b, 0) === 0) fail("can't $divide by zero");
  if (numericView(a)!.kind === 'decimal' || numericView(b)!.kind === 'decimal') {
    // Decimal division through JS doubles would lose digits; 34 significant digits via bigint.
    const x = toExact(a);
    const y = toExact(b);
    if (x.kind !== 'finite' || y.kind !== 'finite')
      return Decimal128.fromString(String(toJsNumber(a)! / toJsNumber(b)!));
    const scale = 40n;
    const q = (x.coef * 10n ** scale) / y.coef;
    return toDecimal128({ kind: 'finite', coef: q, exp: x.exp - y.exp - Number(scale) });
  }
  return toDoubleValue(toJsNumber(a)! / toJsNumber(b)!);
};

function toDoubleValue(n: number): unknown {
  return Number.isInteger(n) ? new Double(n) : n;
}

function valuesOf(collection: AnyObject[], expr: Any, options: Options): unknown[] {
  if (expr === null || expr === undefined) return collection;
  return collection.map((doc) => evalExpr(doc, expr, options));
}

const $sum: AccumulatorFn = (collection, expr, options) => {
  let sum: unknown = 0;
  for (const v of valuesOf(collection, expr, options)) {
    if (Array.isArray(v) && (expr === null || expr === undefined)) continue;
    if (isNumeric(v)) sum = add(sum, v);
  }
  return sum;
};

const $avg: AccumulatorFn = (collection, expr, options) => {
  let sum: unknown = 0;
  let count = 0;
  let decimal = false;
  for (const v of valuesOf(collection, expr, options)) {
    if (!isNumeric(v)) continue;
    if (numericView(v)!.kind === 'decimal') decimal = true;
    sum = add(sum, v);
    count++;
  }
  if (count === 0) return null;
  if (decimal) {
    const total = toExact(sum);
    if (total.kind !== 'finite') return toDecimal128(total);
    const q = (total.coef * 10n ** 40n) / BigInt(count);
    return toDecimal128({ kind: 'finite', coef: q, exp: total.exp - 40 });
  }
  return toDoubleValue(toJsNumber(sum)! / count);
};

function extremum(sign: 1 | -1): AccumulatorFn {
  return (collection, expr, options) => {
    let best: unknown;
    for (const v of valuesOf(collection, expr, options)) {
      if (v === null || v === undefined) continue;
      if (best === undefined || sign * compareValues(v, best) > 0) best = v;
    }
    return best ?? null;
  };
}

/** Expression operators replacing mingo's arithmetic. */
export const arithmeticExpressions: Record<`$${string}`, ExpressionFn> = { $add, $subtract, $multiply, $divide };

/** Accumulators replacing mingo's (also used by the expression forms `{$sum: [...]}`). */
export const numericAccumulators: Record<`$${string}`, AccumulatorFn> = {
  $sum,
  $avg,
  $min: extremum(-1),
  $max: extremum(1),
};
