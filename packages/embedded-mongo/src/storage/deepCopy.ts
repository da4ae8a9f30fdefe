import type { Document } from 'bson';

/**
 * Copies plain objects and arrays recursively; BSON value objects (ObjectId, Date, Binary...) are
 * treated as immutable and shared. Stored documents and oplog images never alias caller data.
 */
export function deepCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    return (value instanceof Date ? new Date(value.getTime()) : value) as T;
  }
  const out: Document = {};
  for (const key of Object.keys(value)) out[key] = deepCopy((value as Document)[key]);
  return out as T;
}
