import { bsonTypeOf, CANONICAL_RANK, exactDecimal, numericView } from '@mongo-live/bson-order';
import type { Binary, BSONRegExp, Timestamp } from 'bson';
import { isPlainObject } from '../bsonType.js';

function numberKey(v: unknown): string {
  const n = numericView(v)!;
  if (n.big !== undefined) return n.big.toString();
  if (n.kind === 'decimal') {
    const d = exactDecimal(n.dec!);
    if (d.kind === 'nan') return 'NaN';
    if (d.kind === 'inf') return d.negative ? '-Infinity' : 'Infinity';
    let { coef, exp } = d;
    if (coef === 0n) return '0';
    while (coef % 10n === 0n) {
      coef /= 10n;
      exp++;
    }
    return exp >= 0 ? (coef * 10n ** BigInt(exp)).toString() : `${coef}e${exp}`;
  }
  const x = n.num;
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(x)) return BigInt(x).toString();
  // The exact decimal expansion of a double: equal to a Decimal128 key only if exactly equal.
  let scaled = x;
  let shift = 0;
  while (!Number.isInteger(scaled)) {
    scaled *= 2;
    shift++;
  }
  let coef = BigInt(scaled) * 5n ** BigInt(shift);
  let exp = -shift;
  while (coef % 10n === 0n) {
    coef /= 10n;
    exp++;
  }
  return `${coef}e${exp}`;
}

/**
 * A string that is equal for two values exactly when MongoDB groups them together: numbers by
 * value whatever their type (5, Int32(5), Long(5), Decimal128('5.0')), null with missing,
 * documents and arrays element by element.
 */
export function groupKey(v: unknown): string {
  const t = bsonTypeOf(v);
  const rank = CANONICAL_RANK[t];
  if (rank === 10) return `n:${numberKey(v)}`;
  if (rank === 5) return 'null';
  if (Array.isArray(v)) return `a:[${v.map(groupKey).join(',')}]`;
  if (isPlainObject(v))
    return `o:{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${groupKey(v[k])}`)
      .join(',')}}`;
  if (typeof v === 'string') return `s:${JSON.stringify(v)}`;
  if (v instanceof Date) return `d:${v.getTime()}`;
  if (t === 'objectId') return `i:${(v as { toHexString(): string }).toHexString()}`;
  if (t === 'bool') return `b:${v}`;
  switch (t) {
    case 'binData': {
      const b = v as Binary;
      return ArrayBuffer.isView(v)
        ? `x:0:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`
        : `x:${b.sub_type}:${Buffer.from(b.buffer.subarray(0, b.position)).toString('hex')}`;
    }
    case 'timestamp':
      return `t:${(v as Timestamp).t}:${(v as Timestamp).i}`;
    case 'regex': {
      const r = v instanceof RegExp ? { pattern: v.source, options: v.flags } : (v as BSONRegExp);
      return `r:${JSON.stringify(r.pattern)}:${r.options}`;
    }
    default:
      return `${t}:${String(v)}`;
  }
}
