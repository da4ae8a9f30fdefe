/**
 * The exact value of a Decimal128, read from its 16 bytes (IEEE 754-2008 decimal128, binary
 * integer decimal encoding): no bson runtime, so values of any bson version compare alike.
 */

/**
 * An exact decimal: a finite value is `coef × 10^exp` with a bigint coefficient (the digits as
 * stored: `5.00` is `500 × 10^-2`); `negativeZero` keeps the sign of a signed zero.
 */
export type ExactDecimal =
  | { kind: 'nan' }
  | { kind: 'inf'; negative: boolean }
  | { kind: 'finite'; coef: bigint; exp: number; negativeZero?: boolean };

/** What {@link exactDecimal} reads of a bson `Decimal128`: its little-endian bytes. */
export interface Decimal128Bytes {
  readonly bytes: Uint8Array;
}

const parsed = new WeakMap<object, ExactDecimal>();
const EXPONENT_BIAS = 6176;
const MAX_COEFFICIENT = 10n ** 34n - 1n;
const COEFFICIENT_MASK = (1n << 113n) - 1n;

function decode(bytes: Uint8Array): ExactDecimal {
  let bits = 0n;
  for (let i = 15; i >= 0; i--) bits = (bits << 8n) | BigInt(bytes[i] ?? 0);
  const negative = bits >> 127n === 1n;
  const combination = Number((bits >> 122n) & 0x1fn);
  let biasedExponent: number;
  let coef: bigint;
  if (combination >> 3 === 3) {
    if (combination === 0x1e) return { kind: 'inf', negative };
    if (combination === 0x1f) return { kind: 'nan' };
    // The "11" form implies a coefficient of at least 2^113 > 10^34: not canonical, read as zero.
    biasedExponent = Number((bits >> 111n) & 0x3fffn);
    coef = 0n;
  } else {
    biasedExponent = Number((bits >> 113n) & 0x3fffn);
    coef = bits & COEFFICIENT_MASK;
    if (coef > MAX_COEFFICIENT) coef = 0n;
  }
  const exp = biasedExponent - EXPONENT_BIAS;
  if (coef === 0n) return negative ? { kind: 'finite', coef, exp, negativeZero: true } : { kind: 'finite', coef, exp };
  return { kind: 'finite', coef: negative ? -coef : coef, exp };
}

/**
 * The exact value of a Decimal128 (cached per instance: filters compare the same constants often).
 *
 * @example
 * exactDecimal(Decimal128.fromString('-1.50')) // { kind: 'finite', coef: -150n, exp: -2 }
 * exactDecimal(Decimal128.fromString('NaN')) // { kind: 'nan' }
 */
export function exactDecimal(decimal: Decimal128Bytes): ExactDecimal {
  let value = parsed.get(decimal);
  if (!value) {
    value = decode(decimal.bytes);
    parsed.set(decimal, value);
  }
  return value;
}
