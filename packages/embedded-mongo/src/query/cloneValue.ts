import { isPlainObject } from './bsonType.js';

/**
 * Deep copy of the mutable parts of a BSON value: plain documents, arrays and Dates. bson value
 * classes (ObjectId, Long, Decimal128, Binary...) are immutable by convention and are shared.
 */
export function cloneValue<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(cloneValue) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) out[key] = cloneValue(v[key]);
    return out as T;
  }
  return v;
}
