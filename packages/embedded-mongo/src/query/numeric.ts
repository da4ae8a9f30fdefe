import {
  type ExactDecimal,
  exactDecimal,
  isInt32Number,
  type NumericKind,
  type NumericView,
  numericView,
} from '@mongo-live/bson-order';
import { Double, Int32, Long } from 'bson';
import { addDecimal, decimalFromBigInt, decimalFromDouble, multiplyDecimal, toDecimal128 } from './decimal.js';

/**
 * Arithmetic on numbers of every BSON flavour (JS number, bigint, Int32, Double, Long, Decimal128)
 * like MongoDB's: the widest type wins (int < long < double < decimal), int32 overflow promotes to
 * long. Reading and comparing them is `@mongo-live/bson-order`'s.
 */

/** Numeric value as a JS number (lossy for large longs and decimals); undefined for non-numbers. */
export function toJsNumber(v: unknown): number | undefined {
  const n = numericView(v);
  if (!n) return undefined;
  return n.kind === 'decimal' ? Number(String(n.dec)) : n.num;
}

const KIND_RANK: Readonly<Record<NumericKind, number>> = { int: 0, long: 1, double: 2, decimal: 3 };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function toExactDecimal(v: NumericView): ExactDecimal {
  if (v.kind === 'decimal') return exactDecimal(v.dec!);
  if (v.kind === 'double') return decimalFromDouble(v.num);
  return decimalFromBigInt(v.big ?? BigInt(v.num));
}

/** Builds a value of `kind`, in a wrapper when a JS number alone would be read back as another type. */
function makeNumber(kind: NumericKind, value: number | bigint, preferWrapped: boolean, preferBigInt: boolean): unknown {
  if (kind === 'int') return preferWrapped ? new Int32(Number(value)) : Number(value);
  if (kind === 'long') {
    const big = BigInt(value);
    return preferBigInt ? big : Long.fromBigInt(big);
  }
  const n = Number(value);
  return preferWrapped || isInt32Number(n) ? new Double(n) : n;
}

/** Result of an arithmetic update: the value, or `undefined` when a 64-bit integer overflowed. */
export type ArithmeticResult = { value: unknown } | undefined;

function arithmetic(a: NumericView, b: NumericView, op: 'add' | 'mul'): ArithmeticResult {
  const kind = KIND_RANK[a.kind] >= KIND_RANK[b.kind] ? a.kind : b.kind;
  const wrapped = a.wrapped || b.wrapped;
  const preferBigInt = a.big !== undefined && !a.wrapped;
  if (kind === 'decimal') {
    const x = toExactDecimal(a);
    const y = toExactDecimal(b);
    return { value: toDecimal128(op === 'add' ? addDecimal(x, y) : multiplyDecimal(x, y)) };
  }
  if (kind === 'double') {
    const x = a.big !== undefined ? Number(a.big) : a.num;
    const y = b.big !== undefined ? Number(b.big) : b.num;
    return { value: makeNumber('double', op === 'add' ? x + y : x * y, wrapped, false) };
  }
  const x = a.big ?? BigInt(a.num);
  const y = b.big ?? BigInt(b.num);
  const r = op === 'add' ? x + y : x * y;
  if (kind === 'int' && r >= -2147483648n && r <= 2147483647n) return { value: makeNumber('int', r, wrapped, false) };
  if (r < INT64_MIN || r > INT64_MAX) return undefined;
  return { value: makeNumber('long', r, true, preferBigInt) };
}

/** `a + b` with MongoDB's type rules ($inc). */
export function addNumbers(a: unknown, b: unknown): ArithmeticResult {
  return arithmetic(numericView(a)!, numericView(b)!, 'add');
}

/** `a × b` with MongoDB's type rules ($mul). */
export function multiplyNumbers(a: unknown, b: unknown): ArithmeticResult {
  return arithmetic(numericView(a)!, numericView(b)!, 'mul');
}

/** A zero of the same kind as `v` ($mul on a missing field sets 0 of the multiplier's type). */
export function zeroLike(v: unknown): unknown {
  const n = numericView(v)!;
  if (n.kind === 'decimal') return toDecimal128({ kind: 'finite', coef: 0n, exp: 0 });
  return makeNumber(n.kind, n.kind === 'long' ? 0n : 0, n.wrapped, n.big !== undefined && !n.wrapped);
}
