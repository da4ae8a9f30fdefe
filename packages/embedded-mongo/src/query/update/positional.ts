import type { Document } from 'bson';
import { isPlainObject } from '../bsonType.js';
import { arrayIndexOf, getPathValue } from '../fieldPath.js';
import { compileFilter } from '../filter/compileFilter.js';
import type { PositionalResolver } from './updatePath.js';

/** A shallow copy of `doc` with the value at `path` replaced (containers on the path are copied). */
function withValueAt(doc: unknown, path: readonly string[], i: number, value: unknown): unknown {
  if (i === path.length) return value;
  const key = path[i]!;
  if (Array.isArray(doc)) {
    const copy = [...doc];
    const index = arrayIndexOf(key);
    copy[index] = withValueAt(doc[index], path, i + 1, value);
    return copy;
  }
  if (isPlainObject(doc)) return { ...doc, [key]: withValueAt(doc[key], path, i + 1, value) };
  return doc;
}

function touches(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`);
}

/** The part of a query that constrains the array at `prefix` (what MongoDB takes `$` from). */
function restrictTo(query: Document, prefix: string): Document | undefined {
  const out: Document = {};
  for (const [key, value] of Object.entries(query)) {
    if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(value)) {
      const branches = value.map((b) => (isPlainObject(b) ? restrictTo(b, prefix) : undefined)).filter((b) => b);
      if (branches.length > 0 && (key === '$and' || branches.length === value.length)) out[key] = branches;
    } else if (!key.startsWith('$') && touches(key, prefix)) {
      out[key] = value;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Resolves the positional `$` of an update: the first element of the array at the prefix such
 * that the query matches with that element alone in the array. Needs the update's query.
 */
export function positionalResolver(doc: Document, query: Document | undefined): PositionalResolver {
  const tests = new Map<string, ((d: Document) => boolean) | undefined>();
  return (prefix) => {
    if (!query) return undefined;
    const array = getPathValue(doc, prefix);
    if (!Array.isArray(array)) return undefined;
    const key = prefix.join('.');
    if (!tests.has(key)) {
      const relevant = restrictTo(query, key);
      tests.set(key, relevant ? compileFilter(relevant) : undefined);
    }
    const test = tests.get(key);
    if (!test) return undefined;
    for (let index = 0; index < array.length; index++) {
      if (test(withValueAt(doc, prefix, 0, [array[index]]) as Document)) return index;
    }
    return undefined;
  };
}
