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

/**
 * Resolves the positional `$` of an update: the first element of the array at the prefix such
 * that the query matches with that element alone in the array. Needs the update's query.
 */
export function positionalResolver(doc: Document, query: Document | undefined): PositionalResolver {
  let test: ((d: Document) => boolean) | undefined;
  return (prefix) => {
    if (!query) return undefined;
    const array = getPathValue(doc, prefix);
    if (!Array.isArray(array)) return undefined;
    test ??= compileFilter(query);
    for (let index = 0; index < array.length; index++) {
      if (test(withValueAt(doc, prefix, 0, [array[index]]) as Document)) return index;
    }
    return undefined;
  };
}
