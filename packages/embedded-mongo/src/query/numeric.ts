import { type Decimal128, Double, Int32, Long } from 'bson';
import { bsonTag, isInt32Number } from './bsonType.js';
import {
  addDecimal,
  decimalFromBigInt,
  decimalFromDouble,
  type ExactDecimal,
  exactDecimal,
  multiplyDecimal,
  toDecimal128,
} from './decimal.js';

/**
 * Numbers of every BSON flavour (JS number, bigint, Int32, Double, Long, Decimal128) compared and
 * combined like MongoDB does: exact numeric comparison across types, arithmetic that keeps the
 * widest type (int < long < double < decimal), int32 overflow promoting to long.
 */
export type NumericKind = 'int' | 'long' | 'double' | 'decimal';

/** How a numeric value is held: its kind and, for all but decimal, a JS number or bigint. */
interface NumericView {
  kind: NumericKind;
  /** Value as a JS number (exact for int/double; for long only when `big` is undefined). */
  num: number;
  /** Exact value of a long. */
  big?: bigint;
  dec?: Decimal128;
  /** True when the value came in a bson wrapper class (Int32/Double/Long) rather than a JS primitive. */
  wrapped: boolean;
}

/** Reads a numeric value; undefined when `v` is not a number. */
export function numericView(v: unknown): NumericView | undefined {
  if (typeof v === 'number') return { kind: isInt32Number(v) ? 'int' : 'double', num: v, wrapped: false };
  if (typeof v === 'bigint') return { kind: 'long', num: Number(v), big: v, wrapped: false };
  if (typeof v !== 'object' || v === null) return undefined;
  switch (bsonTag(v)) {
    case 'Int32':
      return { kind: 'int', num: (v as Int32).value, wrapped: true };
    case 'Double':
      return { kind: 'double', num: (v as Double).value, wrapped: true };
    case 'Long': {
      const big = (v as Long).toBigInt();
      return { kind: 'long', num: Number(big), big, wrapped: true };
    }
    case 'Decimal128':
      return { kind: 'decimal', num: Number.NaN, dec: v as Decimal128, wrapped: true };
  }
  return undefined;
}

/**
 * The JS number of a JS number, Int32 or Double (exact for all three); undefined otherwise.
 * The cheap case every hot comparison tries first.
 */
export function plainNumberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'object' || v === null) return undefined;
  const tag = (v as { _bsontype?: unknown })._bsontype;
  return tag === 'Int32' || tag === 'Double' ? (v as Int32 | Double).value : undefined;
}

/** Numeric value as a JS number (lossy for large longs and decimals); undefined for non-numbers. */
export function toJsNumber(v: unknown): number | undefined {
  const n = numericView(v);
  if (!n) return undefined;
  return n.kind === 'decimal' ? Number(n.dec!.toString()) : n.num;
}

type Rational = { kind: 'nan' } | { kind: 'inf'; negative: boolean } | { kind: 'finite'; num: bigint; den: bigint };

function doubleToRational(n: number): Rational {
  if (Number.isNaN(n)) return { kind: 'nan' };
  if (!Number.isFinite(n)) return { kind: 'inf', negative: n < 0 };
  if (Number.isInteger(n)) return { kind: 'finite', num: BigInt(n), den: 1n };
  // Scaling a double by 2 is exact, so this finds its exact binary fraction.
  let scaled = n;
  let shift = 0;
  while (!Number.isInteger(scaled)) {
    scaled *= 2;
    shift++;
  }
  return { kind: 'finite', num: BigInt(scaled), den: 2n ** BigInt(shift) };
}

function decimalToRational(d: ExactDecimal): Rational {
  if (d.kind !== 'finite') return d;
  return d.exp >= 0
    ? { kind: 'finite', num: d.coef * 10n ** BigInt(d.exp), den: 1n }
    : { kind: 'finite', num: d.coef, den: 10n ** BigInt(-d.exp) };
}

function viewToRational(v: NumericView): Rational {
  if (v.kind === 'decimal') return decimalToRational(exactDecimal(v.dec!));
  if (v.big !== undefined) return { kind: 'finite', num: v.big, den: 1n };
  return doubleToRational(v.num);
}

function compareRational(a: Rational, b: Rational): number {
  // MongoDB orders NaN below every other number and equal to itself.
  if (a.kind === 'nan') return b.kind === 'nan' ? 0 : -1;
  if (b.kind === 'nan') return 1;
  if (a.kind === 'inf') return b.kind === 'inf' && a.negative === b.negative ? 0 : a.negative ? -1 : 1;
  if (b.kind === 'inf') return b.negative ? 1 : -1;
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

function compareJs(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  return aNaN && bNaN ? 0 : aNaN ? -1 : 1;
}

/** Compares two numeric views exactly. */
export function compareNumericViews(a: NumericView, b: NumericView): number {
  if (a.kind !== 'decimal' && b.kind !== 'decimal') {
    if (a.big === undefined && b.big === undefined) return compareJs(a.num, b.num);
    if (a.big !== undefined && b.big !== undefined) return a.big < b.big ? -1 : a.big > b.big ? 1 : 0;
  }
  return compareRational(viewToRational(a), viewToRational(b));
}

/** Compares two numeric values exactly; both must be numbers (see {@link numericView}). */
export function compareNumbers(a: unknown, b: unknown): number {
  const x = plainNumberOf(a);
  if (x !== undefined) {
    const y = plainNumberOf(b);
    if (y !== undefined) return compareJs(x, y);
  }
  return compareNumericViews(numericView(a)!, numericView(b)!);
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
