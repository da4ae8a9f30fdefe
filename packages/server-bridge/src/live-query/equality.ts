import { bsonTag } from '@mongo-live/bson-order';
import type { Document } from 'mongodb';
import { valueKey } from './valueKey.js';

/** An equality predicate a query can be indexed by: the document's `path` must equal one of `keys`. */
export interface EqualityPredicate {
  path: string;
  /** {@link valueKey}s of the accepted values (several for `$in`). */
  keys: string[];
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

function isIndexable(value: unknown): boolean {
  // null also matches a missing field and a regex matches by pattern (a decoded `$regularExpression`
  // is a BSONRegExp): neither is a plain equality.
  return (
    value !== null &&
    value !== undefined &&
    !(value instanceof RegExp) &&
    bsonTag(value) !== 'BSONRegExp' &&
    !isOperatorObject(value)
  );
}

function predicateOf(path: string, condition: unknown): EqualityPredicate | undefined {
  if (path.startsWith('$')) return undefined;
  if (!isOperatorObject(condition)) {
    if (!isIndexable(condition)) return undefined;
    if (condition !== null && typeof condition === 'object' && !Array.isArray(condition)) {
      if (Object.keys(condition).some((k) => k.startsWith('$'))) return undefined;
    }
    return { path, keys: [valueKey(condition)] };
  }
  if ('$eq' in condition && isIndexable(condition.$eq)) return { path, keys: [valueKey(condition.$eq)] };
  const list = condition.$in;
  if (Array.isArray(list) && list.length > 0 && list.every(isIndexable)) return { path, keys: list.map(valueKey) };
  return undefined;
}

/**
 * Finds an equality predicate that every document of the filter's result must satisfy (a top-level
 * field equality, `$eq` or `$in`, possibly inside a top-level `$and`), for dispatching events.
 * Returns undefined when there is none: such queries see every event of their collection.
 *
 * @example
 * equalityPredicateOf({ status: 'open', qty: { $gt: 1 } }) // { path: 'status', keys: ['sopen'] }
 */
export function equalityPredicateOf(filter: Document): EqualityPredicate | undefined {
  let fallback: EqualityPredicate | undefined;
  for (const [path, condition] of Object.entries(filter)) {
    if (path === '$and' && Array.isArray(condition)) {
      for (const part of condition) {
        const inner = part && typeof part === 'object' ? equalityPredicateOf(part as Document) : undefined;
        if (inner && inner.keys.length === 1) return inner;
        fallback ??= inner;
      }
      continue;
    }
    const p = predicateOf(path, condition);
    // Prefer a single-value equality: it narrows dispatch the most.
    if (p && p.keys.length === 1) return p;
    fallback ??= p;
  }
  return fallback;
}

/**
 * Keys under which a document is found for `path`: each value at the path, and for arrays both
 * the whole array and each element (MongoDB equality matches either).
 *
 * @example
 * indexKeysAt({ tags: ['a', 'b'] }, 'tags') // [key(['a','b']), key('a'), key('b')]
 */
export function indexKeysAt(doc: unknown, path: string): string[] {
  const out: string[] = [];
  collectKeys(doc, path.split('.'), 0, out);
  return out;
}

function collectKeys(value: unknown, parts: string[], i: number, out: string[]): void {
  if (value === undefined) return;
  if (i === parts.length) {
    out.push(valueKey(value));
    if (Array.isArray(value)) for (const element of value) out.push(valueKey(element));
    return;
  }
  const part = parts[i] as string;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part)) collectKeys(value[Number(part)], parts, i + 1, out);
    for (const element of value) {
      if (element !== null && typeof element === 'object' && !Array.isArray(element))
        collectKeys(element, parts, i, out);
    }
    return;
  }
  if (value !== null && typeof value === 'object')
    collectKeys((value as Record<string, unknown>)[part], parts, i + 1, out);
}
