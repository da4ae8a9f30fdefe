import { Decimal128, Double, Int32, Long, Timestamp } from 'bson';

/**
 * Turns bson's numeric wrappers (Int32, Double, Long, Decimal128) into JS numbers, recursively,
 * so mingo — which only knows JS numbers — matches them by value. Longs beyond 2^53 and
 * Decimal128 values lose precision; other BSON types (ObjectId, Date...) are kept as they are.
 * Returns the input itself when nothing had to change.
 *
 * @example
 * normalizeNumbers({ n: Long.fromNumber(5) }) // { n: 5 }
 */
export function normalizeNumbers<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Timestamp) return value; // a Timestamp is a Long subclass, but not a number
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Long) return value.toNumber();
  if (value instanceof Decimal128) return Number(value.toString());
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = walk(value[i]);
      if (v !== value[i]) {
        out ??= value.slice();
        out[i] = v;
      }
    }
    return out ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let out: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const v = walk(record[key]);
    if (v !== record[key]) {
      out ??= { ...record };
      out[key] = v;
    }
  }
  return out ?? value;
}
