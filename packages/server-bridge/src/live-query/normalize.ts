import { bsonTag } from '@mongo-live/bson-order';
import { Binary, type Decimal128, type Long, ObjectId, Timestamp } from '../driverBson.js';

/**
 * Turns bson's numeric wrappers (Int32, Double, Long, Decimal128) into JS numbers, recursively,
 * so mingo — which only knows JS numbers — matches them by value; ObjectId, Timestamp and Binary
 * values of another bson copy are rebuilt with this package's. Longs beyond 2^53 and
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
  switch (bsonTag(value)) {
    case 'Int32':
    case 'Double':
      return Number((value as { valueOf(): number }).valueOf());
    case 'Long':
      return (value as Long).toNumber();
    case 'Decimal128':
      return Number((value as Decimal128).toString());
    // Values made by another copy of bson (the driver's CommonJS one) are rebuilt with ours, so
    // that mingo, which compares by constructor, sees equal values as equal.
    case 'ObjectId':
      return value instanceof ObjectId ? value : new ObjectId((value as ObjectId).toHexString());
    case 'Timestamp':
      return value instanceof Timestamp
        ? value
        : new Timestamp({ t: (value as Timestamp).t, i: (value as Timestamp).i });
    case 'Binary':
      return value instanceof Binary ? value : new Binary((value as Binary).value(), (value as Binary).sub_type);
  }
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
