import { type EJSONDocument, encode, type QuerySpec, type WireSort } from '@mongo-live/protocol';
import type { Document, Filter, Sort, SortDirection } from 'mongodb';
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
 * Normalizes every mongodb `Sort` shape to `[field, 1 | -1]` pairs, keeping key order.
 * `{ $meta }` sorts are not supported and throw `INVALID_REQUEST`.
 *
 * @example
 * toWireSort({ a: 1, b: 'desc' }) // [['a', 1], ['b', -1]]
 * toWireSort(['a', -1])           // [['a', -1]]
 */
export function toWireSort(sort: Sort): WireSort {
  if (typeof sort === 'string') return [[sort, 1]];
  if (sort instanceof Map) return [...sort].map(([field, dir]) => [String(field), direction(dir, String(field))]);
  if (Array.isArray(sort)) {
    if (isPair(sort)) return [[sort[0], direction(sort[1], sort[0])]];
    return sort.map((item: unknown) => {
      if (typeof item === 'string') return [item, 1];
      if (isPair(item)) return [item[0], direction(item[1], item[0])];
      throw new LiveError('INVALID_REQUEST', `unsupported sort entry: ${JSON.stringify(item)}`);
    });
  }
  if (sort !== null && typeof sort === 'object') {
    return Object.entries(sort as Record<string, SortDirection>).map(([field, dir]) => [field, direction(dir, field)]);
  }
  throw new LiveError('INVALID_REQUEST', `unsupported sort: ${JSON.stringify(sort)}`);
}

function isPair(value: unknown): value is [string, SortDirection] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && isDirection(value[1] as unknown);
}

function isDirection(value: unknown): boolean {
  return value === 1 || value === -1 || (typeof value === 'string' && directionOf(value) !== undefined);
}

function directionOf(value: string): 1 | -1 | undefined {
  const v = value.toLowerCase();
  if (v === 'asc' || v === 'ascending') return 1;
  if (v === 'desc' || v === 'descending') return -1;
  return undefined;
}

function direction(value: unknown, field: string): 1 | -1 {
  if (value === 1 || value === -1) return value;
  const d = typeof value === 'string' ? directionOf(value) : undefined;
  if (d !== undefined) return d;
  throw new LiveError('INVALID_REQUEST', `unsupported sort direction for '${field}': ${JSON.stringify(value)}`);
}
