import {
  type EJSONDocument,
  encode,
  type QuerySpec,
  UnsupportedSortError,
  type WireSort,
  toWireSort as wireSortOf,
} from '@mongo-live/protocol';
import type { Document, Filter, Sort } from 'mongodb';
import { LiveError } from './LiveError.js';

/**
 * Options of `find()` and `liveQuery()`.
 *
 * @example
 * products.find({ category: 'books' }, { sort: { price: 1 }, limit: 20, projection: { name: 1, price: 1 } });
 */
export interface QueryOptions {
  /** Any shape the mongodb driver accepts: `{ a: 1 }`, `'a'`, `['a', 'b']`, `['a', -1]`, `[['a', 1]]`, a Map. */
  sort?: Sort;
  limit?: number;
  skip?: number;
  projection?: Document;
}

/**
 * Builds the wire `QuerySpec`: filter and projection in canonical EJSON, sort as ordered
 * `[field, 1 | -1]` pairs.
 *
 * @example
 * toQuerySpec('shop', 'products', { price: { $lt: 10 } }, { sort: { price: -1 } })
 * // { db: 'shop', collection: 'products', filter: { price: { $lt: { $numberInt: '10' } } }, sort: [['price', -1]] }
 */
export function toQuerySpec<T>(
  db: string,
  collection: string,
  filter?: Filter<T>,
  options: QueryOptions = {},
): QuerySpec {
  const spec: QuerySpec = { db, collection };
  if (filter !== undefined) spec.filter = encode(filter) as EJSONDocument;
  if (options.sort !== undefined) spec.sort = toWireSort(options.sort);
  if (options.limit !== undefined) spec.limit = options.limit;
  if (options.skip !== undefined) spec.skip = options.skip;
  if (options.projection !== undefined) spec.projection = encode(options.projection) as EJSONDocument;
  return spec;
}

/**
 * Normalizes every mongodb `Sort` shape to `[field, 1 | -1]` pairs, keeping key order (the
 * protocol's `toWireSort`). `{ $meta }` sorts and unknown directions throw `INVALID_REQUEST`.
 *
 * @example
 * toWireSort({ a: 1, b: 'desc' }) // [['a', 1], ['b', -1]]
 * toWireSort(['a', -1])           // [['a', -1]]
 */
export function toWireSort(sort: Sort): WireSort {
  try {
    return wireSortOf(sort);
  } catch (error) {
    if (error instanceof UnsupportedSortError) throw new LiveError('INVALID_REQUEST', error.message);
    throw error;
  }
}
