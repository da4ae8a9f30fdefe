import { bsonTypeOf, compareWith, type StringComparator } from '@mongo-live/bson-order';
import type { Document } from 'bson';
import { CommandError } from '../errors.js';
import { isPlainObject } from './bsonType.js';
import { collationComparator } from './collation.js';
import { arrayIndexOf, splitPath } from './fieldPath.js';
import { toJsNumber } from './numeric.js';

/** Sort key of an empty array: below null and missing, above MinKey, as MongoDB sorts it. */
const EMPTY_ARRAY = Symbol('emptyArray');

interface SortField {
  parts: string[];
  direction: 1 | -1;
}

function badSortValue(): CommandError {
  return new CommandError(
    15974,
    'Location15974',
    '$sort key ordering must be 1 (for ascending) or -1 (for descending)',
  );
}

function parseSort(sort: Document): SortField[] {
  const fields: SortField[] = [];
  for (const [path, spec] of Object.entries(sort)) {
    if (path === '$natural') continue; // insertion order: the caller's order, kept by a stable sort
    if (isPlainObject(spec)) {
      if ('$meta' in spec) continue; // text scores and search metadata do not exist here: all equal
      throw badSortValue();
    }
    const n = toJsNumber(spec);
    if (n !== 1 && n !== -1) throw badSortValue();
    if (path === '' || path.startsWith('.') || path.endsWith('.') || path.includes('..'))
      throw new CommandError(40352, 'Location40352', 'FieldPath field names may not be empty strings.');
    fields.push({ parts: splitPath(path), direction: n });
  }
  return fields;
}

/** Collects the candidate sort keys of a document along a path: array elements count one by one. */
function collectKeys(value: unknown, parts: readonly string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(EMPTY_ARRAY);
      else for (const element of value) out.push(element);
    } else {
      out.push(value);
    }
    return;
  }
  const part = parts[i]!;
  if (Array.isArray(value)) {
    const index = arrayIndexOf(part);
    if (index >= 0) {
      collectKeys(value[index], parts, i + 1, out);
      return;
    }
    if (value.length === 0) out.push(undefined);
    for (const element of value) {
      if (isPlainObject(element)) collectKeys(element[part], parts, i + 1, out);
      else out.push(undefined);
    }
    return;
  }
  if (isPlainObject(value)) collectKeys(value[part], parts, i + 1, out);
  else out.push(undefined);
}

function compareKeys(a: unknown, b: unknown, strCmp: StringComparator): number {
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) {
    if (a === b) return 0;
    // Only MinKey sorts before an empty array.
    const emptyFirst = bsonTypeOf(a === EMPTY_ARRAY ? b : a) === 'minKey' ? 1 : -1;
    return a === EMPTY_ARRAY ? emptyFirst : -emptyFirst;
  }
  return compareWith(a, b, strCmp);
}

/** The sort key of one document for one field: smallest candidate ascending, largest descending. */
function sortKey(doc: Document, field: SortField, strCmp: StringComparator): unknown {
  if (field.parts.length === 1) {
    const v = doc[field.parts[0]!];
    if (!Array.isArray(v)) return v;
  }
  const keys: unknown[] = [];
  collectKeys(doc, field.parts, 0, keys);
  let best = keys[0];
  for (let i = 1; i < keys.length; i++) {
    const c = compareKeys(keys[i], best, strCmp);
    if (field.direction === 1 ? c < 0 : c > 0) best = keys[i];
  }
  return best;
}

/** Options of {@link compileSort}. */
export interface SortOptions {
  collation?: Document;
}

/**
 * Compiles a sort specification (`{a: 1, 'b.c': -1}`) into a comparator: BSON order, missing as
 * null, arrays by their smallest element ascending and largest descending, empty arrays before null.
 * Ties compare 0, so a stable sort keeps the input order.
 */
export function compileSort(sort: Document, options: SortOptions = {}): (a: Document, b: Document) => number {
  const fields = parseSort(sort);
  const strCmp = collationComparator(options.collation);
  if (fields.length === 0) return () => 0;
  // Keys are not cached per document: callers may keep a comparator while documents change.
  return (a, b) => {
    for (const field of fields) {
      const c = compareKeys(sortKey(a, field, strCmp), sortKey(b, field, strCmp), strCmp);
      if (c !== 0) return c * field.direction;
    }
    return 0;
  };
}
