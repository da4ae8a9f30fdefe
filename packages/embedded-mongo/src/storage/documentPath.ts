import type { Document } from 'bson';

function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Every value a dotted path reaches in a document, traversing arrays the way MongoDB indexes do
 * (`a.b` on `{a: [{b: 1}, {b: 2}]}` gives 1 and 2). Missing paths give `[]`.
 */
export function valuesAtPath(doc: Document, path: string): unknown[] {
  return collect(doc, path.split('.'), 0);
}

function collect(value: unknown, parts: string[], at: number): unknown[] {
  if (at === parts.length) return [value];
  if (Array.isArray(value)) {
    const part = parts[at]!;
    // Numeric path components may address an element directly, as in MongoDB.
    if (/^\d+$/.test(part) && Number(part) < value.length) {
      return collect(value[Number(part)], parts, at + 1);
    }
    return value.flatMap((element) => (isPlainObject(element) ? collect(element, parts, at) : []));
  }
  if (!isPlainObject(value)) return [];
  const part = parts[at]!;
  if (!(part in value) || value[part] === undefined) return [];
  return collect(value[part], parts, at + 1);
}

/** The value at a dotted path without array traversal (undefined when absent). */
export function valueAtPath(doc: Document, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Document)[part];
  }
  return value;
}
