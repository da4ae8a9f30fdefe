import { encode as bsonEncode, type EJSONDocument, type EJSONValue } from './ejson.js';
import type { QuerySpec, WireSort } from './messages.js';

/**
 * A sort the wire cannot express (e.g. `{ $meta: 'textScore' }`, or an unknown direction).
 *
 * @example
 * try { toWireSort({ s: { $meta: 'textScore' } }); } catch (e) { e instanceof UnsupportedSortError; } // true
 */
export class UnsupportedSortError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedSortError';
  }
}

/**
 * Normalizes every mongodb `Sort` shape (`{ a: 1 }`, `'a'`, `['a', 'b']`, `['a', -1]`,
 * `[['a', 1], ...]`, a Map; directions 1/-1/'asc'/'desc'/'ascending'/'descending', any case) into
 * ordered `[field, 1 | -1]` pairs. Shared by the browser client and the server's SSR prefetch, so
 * both build the same query keys. Throws {@link UnsupportedSortError}.
 *
 * @example
 * toWireSort({ a: 1, b: 'desc' }) // [['a', 1], ['b', -1]]
 * toWireSort(['a', -1])           // [['a', -1]]
 */
export function toWireSort(sort: unknown): WireSort {
  if (typeof sort === 'string') return [[sort, 1]];
  if (sort instanceof Map) return [...sort].map(([field, dir]) => [String(field), direction(dir, String(field))]);
  if (Array.isArray(sort)) {
    if (isPair(sort)) return [[sort[0], direction(sort[1], sort[0])]];
    return sort.map((item: unknown) => {
      if (typeof item === 'string') return [item, 1];
      if (isPair(item)) return [item[0], direction(item[1], item[0])];
      throw new UnsupportedSortError(`unsupported sort entry: ${JSON.stringify(item)}`);
    });
  }
  if (sort !== null && typeof sort === 'object')
    return Object.entries(sort as Record<string, unknown>).map(([field, dir]) => [field, direction(dir, field)]);
  throw new UnsupportedSortError(`unsupported sort: ${JSON.stringify(sort)}`);
}

/**
 * The parts of a `find()` besides its filter, as users write them (JS values, any mongodb
 * `Sort` shape). The client's `QueryOptions` is this with the driver's types.
 *
 * @example
 * const options: QueryShape = { sort: { price: -1 }, limit: 20, projection: { name: 1 } };
 */
export interface QueryShape {
  sort?: unknown;
  limit?: number;
  skip?: number;
  projection?: object;
}

/**
 * Builds the wire {@link QuerySpec} of a query: filter and projection in canonical EJSON, sort as
 * ordered `[field, 1 | -1]` pairs; parts left undefined are left out. The one builder, used by the
 * browser client and by the server's SSR prefetch, so both send and key the same spec. Throws
 * {@link UnsupportedSortError} for a sort the wire cannot carry. `encode` is the codec of the bson
 * that made the values (default: the `bson` package's; the bridge passes the driver's).
 *
 * @example
 * toQuerySpec('shop', 'products', { price: { $lt: 10 } }, { sort: { price: -1 } })
 * // { db: 'shop', collection: 'products', filter: { price: { $lt: { $numberInt: '10' } } }, sort: [['price', -1]] }
 */
export function toQuerySpec(
  db: string,
  collection: string,
  filter?: object,
  options: QueryShape = {},
  encode: (value: unknown) => EJSONValue = bsonEncode,
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
 * The react-query key of a live query: `['mongo-live', 'query', db, collection, { filter, sort,
 * skip, limit, projection }]` (only the parts present), from its wire spec. The server's SSR prefetch
 * and the browser's hooks both use it, so a prefetched entry is the one the hook reads.
 *
 * @example
 * liveQueryKeyOf({ db: 'shop', collection: 'products', sort: [['price', 1]] })
 * // ['mongo-live', 'query', 'shop', 'products', { sort: [['price', 1]] }]
 */
export function liveQueryKeyOf(
  spec: QuerySpec,
): readonly ['mongo-live', 'query', string, string, Record<string, unknown>] {
  const params: Record<string, unknown> = {};
  if (spec.filter !== undefined) params.filter = spec.filter;
  if (spec.sort !== undefined) params.sort = spec.sort;
  if (spec.skip !== undefined) params.skip = spec.skip;
  if (spec.limit !== undefined) params.limit = spec.limit;
  if (spec.projection !== undefined) params.projection = spec.projection;
  return ['mongo-live', 'query', spec.db, spec.collection, params];
}

/**
 * The react-query key of live pages: the live query's key with `'pages'` and the page size (skip
 * and limit do not apply). The server's `prefetchLivePages` and the browser's
 * `useLiveInfiniteQuery` both use it.
 *
 * @example
 * livePagesKeyOf({ db: 'shop', collection: 'products', sort: [['price', 1]] }, 50)
 * // ['mongo-live', 'pages', 'shop', 'products', { sort: [['price', 1]], pageSize: 50 }]
 */
export function livePagesKeyOf(
  spec: QuerySpec,
  pageSize: number,
): readonly ['mongo-live', 'pages', string, string, Record<string, unknown>] {
  const { skip: _skip, limit: _limit, ...rest } = spec;
  const [, , db, collection, params] = liveQueryKeyOf(rest);
  return ['mongo-live', 'pages', db, collection, { ...params, pageSize }];
}

/**
 * The react-query key of a live count: `['mongo-live', 'count', db, collection, { filter }]` (`{}`
 * without a filter). The server's `prefetchLiveCount` and the browser's `useLiveCount` both use it.
 *
 * @example
 * liveCountKeyOf({ db: 'shop', collection: 'orders', filter: { userId: 'ada' } })
 * // ['mongo-live', 'count', 'shop', 'orders', { filter: { userId: 'ada' } }]
 */
export function liveCountKeyOf(
  spec: Pick<QuerySpec, 'db' | 'collection' | 'filter'>,
): readonly ['mongo-live', 'count', string, string, Record<string, unknown>] {
  return ['mongo-live', 'count', spec.db, spec.collection, spec.filter === undefined ? {} : { filter: spec.filter }];
}

function direction(value: unknown, field: string): 1 | -1 {
  if (value === 1 || value === -1) return value;
  const d = typeof value === 'string' ? directionOf(value) : undefined;
  if (d !== undefined) return d;
  throw new UnsupportedSortError(`unsupported sort direction for '${field}': ${JSON.stringify(value)}`);
}

function isPair(value: unknown): value is [string, unknown] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && isDirection(value[1]);
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
