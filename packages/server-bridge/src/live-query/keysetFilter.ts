import type { Document } from 'mongodb';
import type { SortOrder } from './SortOrder.js';

/**
 * A filter for "sort key after `keys`" in a sort order (with its `_id` tiebreaker): the keyset
 * boundary of a page, so the next page is read with an index-friendly range instead of a skip.
 * It compares with `$expr`, whose comparisons follow BSON's order across types as `sort` does
 * (a plain `$gt` only matches within one type), and reads a missing field as null as `sort` does.
 * Array-valued sort fields (sorted by their smallest or largest element) are not supported: the
 * pages refuse a document with an array on a sort path ({@link arrayOnSortPath}).
 *
 * @example
 * keysetAfter(new SortOrder([['price', 1]]), [5, 'id9'])
 * // { $expr: { $or: [ { $gt: [price, 5] }, { $and: [ { $eq: [price, 5] }, { $gt: [_id, 'id9'] } ] } ] } }
 */
export function keysetAfter(order: SortOrder, keys: readonly unknown[]): Document {
  return { $expr: afterExpr(order, keys) };
}

/** The complement: sort key at or before `keys` (the loaded range, re-read on a restart). */
export function keysetUpTo(order: SortOrder, keys: readonly unknown[]): Document {
  return { $expr: { $not: [afterExpr(order, keys)] } };
}

function afterExpr(order: SortOrder, keys: readonly unknown[]): Document {
  const field = (path: string) => ({ $ifNull: [`$${path}`, null] });
  const value = (i: number) => ({ $literal: keys[i] ?? null });
  const branches = order.fields.map(([path, direction], i) => {
    const terms: Document[] = order.fields.slice(0, i).map(([p], j) => ({ $eq: [field(p), value(j)] }));
    terms.push({ [direction === 1 ? '$gt' : '$lt']: [field(path), value(i)] });
    return terms.length === 1 ? terms[0] : { $and: terms };
  });
  return { $or: branches };
}

/**
 * True when an array lies on `path` in `doc` (at its end or on the way), where MongoDB's sort
 * would compare the smallest or largest element and a keyset filter would compare the whole array.
 *
 * @example
 * arrayOnSortPath({ tags: ['a', 'b'] }, 'tags') // true
 * arrayOnSortPath({ dims: { w: 3 } }, 'dims.w') // false
 */
export function arrayOnSortPath(doc: unknown, path: string): boolean {
  let value = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(value)) return true;
    if (value === null || typeof value !== 'object') return false;
    value = (value as Record<string, unknown>)[part];
  }
  return Array.isArray(value);
}
