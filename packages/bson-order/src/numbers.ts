import { bsonTag, isInt32Number } from './bsonType.js';
import { type Decimal128Bytes, type ExactDecimal, exactDecimal } from './decimal.js';

/** The four numeric BSON types, narrowest first. */
export type NumericKind = 'int' | 'long' | 'double' | 'decimal';

/** How a numeric value is held: its kind and, for all but decimal, a JS number or bigint. */
export interface NumericView {
  kind: NumericKind;
  /** Value as a JS number (exact for int/double; for long only when `big` is undefined). */
  num: number;
  /** Exact value of a long. */
  big?: bigint;
  /** The Decimal128 itself (read exactly with `exactDecimal`). */
  dec?: Decimal128Bytes;
  /** True when the value came in a bson wrapper class (Int32/Double/Long) rather than a JS primitive. */
  wrapped: boolean;
}

/**
 * Reads a numeric value of any flavour (JS number, bigint, Int32, Double, Long, Decimal128);
 * undefined when `value` is not a number.
 *
 * @example
 * numericView(Long.fromNumber(3)) // { kind: 'long', num: 3, big: 3n, wrapped: true }
 * numericView('3') // undefined
 */
export function numericView(value: unknown): NumericView | undefined {
  if (typeof value === 'number') return { kind: isInt32Number(value) ? 'int' : 'double', num: value, wrapped: false };
  if (typeof value === 'bigint') return { kind: 'long', num: Number(value), big: value, wrapped: false };
  if (typeof value !== 'object' || value === null) return undefined;
  switch (bsonTag(value)) {
    case 'Int32':
      return { kind: 'int', num: (value as { value: number }).value, wrapped: true };
    case 'Double':
      return { kind: 'double', num: (value as { value: number }).value, wrapped: true };
    case 'Long': {
      const big = (value as { toBigInt(): bigint }).toBigInt();
      return { kind: 'long', num: Number(big), big, wrapped: true };
    }
    case 'Decimal128':
      return { kind: 'decimal', num: Number.NaN, dec: value as Decimal128Bytes, wrapped: true };
  }
  return undefined;
}

/**
 * The JS number of a JS number, Int32 or Double (exact for all three); undefined otherwise.
 * The cheap case every hot comparison tries first.
 *
 * @example
 * plainNumberOf(new Int32(2)) // 2
 * plainNumberOf(Long.fromNumber(2)) // undefined
 */
export function plainNumberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return tag === 'Int32' || tag === 'Double' ? (value as { value: number }).value : undefined;
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
  if (v.kind === 'decimal') return decimalToRational(exactDecimal(v.dec as Decimal128Bytes));
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

function compareViews(a: NumericView, b: NumericView): number {
  if (a.kind !== 'decimal' && b.kind !== 'decimal') {
    if (a.big === undefined && b.big === undefined) return compareJs(a.num, b.num);
    if (a.big !== undefined && b.big !== undefined) return a.big < b.big ? -1 : a.big > b.big ? 1 : 0;
  }
  return compareRational(viewToRational(a), viewToRational(b));
}

/**
 * Compares two numbers of any BSON flavour exactly, as MongoDB does (no rounding through
 * doubles: a Long or Decimal128 beyond 2^53 keeps its last digit); NaN sorts below every other
 * number and equals NaN; -0 equals 0. Both arguments must be numbers (see {@link numericView}).
 *
 * @example
 * compareNumbers(Decimal128.fromString('0.1'), 0.1) // -1: the double is 0.1000000000000000055…
 * compareNumbers(Long.fromString('9007199254740993'), 2 ** 53) // 1
 */
export function compareNumbers(a: unknown, b: unknown): number {
  const x = plainNumberOf(a);
  if (x !== undefined) {
    const y = plainNumberOf(b);
    if (y !== undefined) return compareJs(x, y);
  }
  return compareViews(numericView(a) as NumericView, numericView(b) as NumericView);
}
