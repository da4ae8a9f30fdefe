import { bsonTypeOf } from '@mongo-live/bson-order';
import { isPlainObject } from './bsonType.js';

/**
 * A short, shell-like rendering of a value for error messages (`{a: 1}`, `"x"`, `[ 1, 2 ]`),
 * close to how the server prints values in its messages.
 */
export function describeValue(v: unknown, depth = 0): string {
  if (depth > 4) return '...';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[ ${v.map((e) => describeValue(e, depth + 1)).join(', ')} ]`;
  if (isPlainObject(v)) {
    const entries = Object.keys(v).map((k) => `${k}: ${describeValue(v[k], depth + 1)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  switch (bsonTypeOf(v)) {
    case 'long':
      return `${String(v)}`;
    case 'objectId':
      return `ObjectId('${String((v as { toHexString(): string }).toHexString())}')`;
    case 'decimal':
      return `Decimal128('${String(v)}')`;
  }
  if (typeof v === 'object' && 'value' in v) return String((v as { value: unknown }).value);
  return String(v);
}

/** `{_id: <id>}`, the way update errors name the document. */
export function describeDocId(doc: Record<string, unknown>): string {
  return `{_id: ${describeValue(doc._id)}}`;
}
