import type { ExactDecimal } from '@mongo-live/bson-order';
import { Decimal128 } from 'bson';

/**
 * Exact decimal arithmetic for Decimal128 values, on `@mongo-live/bson-order`'s exact reading of
 * them (`coef × 10^exp`, a bigint coefficient); results are rounded to 34 significant digits
 * (half-even), as IEEE 754-2008 decimal128 does.
 */

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const MAX_DIGITS = 34;

/** Parses a decimal string ("1.0", "-1.2E+5", "NaN", "-Infinity"). */
function parseDecimalString(s: string): ExactDecimal {
  if (s === 'NaN' || s === '-NaN') return { kind: 'nan' };
  if (s === 'Infinity' || s === '+Infinity' || s === 'Inf') return { kind: 'inf', negative: false };
  if (s === '-Infinity' || s === '-Inf') return { kind: 'inf', negative: true };
  const m = DECIMAL_RE.exec(s);
  if (!m) return { kind: 'nan' };
  const fraction = m[3] ?? '';
  const digits = `${m[2] ?? ''}${fraction}` || '0';
  let coef = BigInt(digits);
  const negative = m[1] === '-';
  if (negative) coef = -coef;
  const exp = Number(m[4] ?? '0') - fraction.length;
  return coef === 0n && negative ? { kind: 'finite', coef, exp, negativeZero: true } : { kind: 'finite', coef, exp };
}

function digitCount(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}

/** Rounds to at most 34 significant digits, half to even. */
export function roundDecimal(v: ExactDecimal): ExactDecimal {
  if (v.kind !== 'finite') return v;
  const excess = digitCount(v.coef) - MAX_DIGITS;
  if (excess <= 0) return v;
  const divisor = 10n ** BigInt(excess);
  const negative = v.coef < 0n;
  const abs = negative ? -v.coef : v.coef;
  let q = abs / divisor;
  const r = abs % divisor;
  const twice = r * 2n;
  if (twice > divisor || (twice === divisor && q % 2n === 1n)) q += 1n;
  let exp = v.exp + excess;
  if (digitCount(q) > MAX_DIGITS) {
    q /= 10n;
    exp += 1;
  }
  return { kind: 'finite', coef: negative ? -q : q, exp };
}

/** Converts an exact decimal to a Decimal128. */
export function toDecimal128(v: ExactDecimal): Decimal128 {
  if (v.kind === 'nan') return Decimal128.fromString('NaN');
  if (v.kind === 'inf') return Decimal128.fromString(v.negative ? '-Infinity' : 'Infinity');
  const r = roundDecimal(v) as Extract<ExactDecimal, { kind: 'finite' }>;
  const sign = r.negativeZero ? '-' : '';
  return Decimal128.fromString(`${sign}${r.coef}E${r.exp}`);
}

/** Sum of two decimals. */
export function addDecimal(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf' && b.kind === 'inf') return a.negative === b.negative ? a : { kind: 'nan' };
  if (a.kind === 'inf') return a;
  if (b.kind === 'inf') return b;
  const exp = Math.min(a.exp, b.exp);
  const coef = a.coef * 10n ** BigInt(a.exp - exp) + b.coef * 10n ** BigInt(b.exp - exp);
  return roundDecimal({ kind: 'finite', coef, exp });
}

/** Product of two decimals. */
export function multiplyDecimal(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  const aZero = a.kind === 'finite' && a.coef === 0n;
  const bZero = b.kind === 'finite' && b.coef === 0n;
  const negative = decimalIsNegative(a) !== decimalIsNegative(b);
  if (a.kind === 'inf' || b.kind === 'inf') return aZero || bZero ? { kind: 'nan' } : { kind: 'inf', negative };
  return roundDecimal({ kind: 'finite', coef: a.coef * b.coef, exp: a.exp + b.exp });
}

function decimalIsNegative(v: ExactDecimal): boolean {
  if (v.kind === 'nan') return false;
  if (v.kind === 'inf') return v.negative;
  return v.coef < 0n || v.negativeZero === true;
}

/** A double as a decimal, rounded to 15 significant digits as MongoDB converts doubles. */
export function decimalFromDouble(n: number): ExactDecimal {
  if (Number.isNaN(n)) return { kind: 'nan' };
  if (!Number.isFinite(n)) return { kind: 'inf', negative: n < 0 };
  return parseDecimalString(n.toPrecision(15));
}

/** An integer (int32/int64) as a decimal, exactly. */
export function decimalFromBigInt(n: bigint): ExactDecimal {
  return { kind: 'finite', coef: n, exp: 0 };
}
