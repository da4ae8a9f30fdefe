import { liveQueryKeyOf, type QuerySpec, toQuerySpec } from '@mongo-live/protocol';
import type { Document, Filter, Sort } from 'mongodb';

/**
 * What a live query asks for, as written in components (JS values and any mongodb `Sort`).
 *
 * @example
 * const spec: LiveQuerySpec<Product> = { db: 'shop', collection: 'products', filter: { stock: { $gt: 0 } }, sort: { price: 1 }, limit: 20 };
 */
export interface LiveQuerySpec<T = Document> {
  db: string;
  collection: string;
  filter?: Filter<T>;
  sort?: Sort;
  limit?: number;
  skip?: number;
  projection?: Document;
}

/**
 * The react-query key of a live query.
 *
 * @example
 * const key: LiveQueryKey = liveQueryKey({ db: 'shop', collection: 'products' });
 */
export type LiveQueryKey = ReturnType<typeof liveQueryKeyOf>;

/** The wire spec of a live query (the protocol's `toQuerySpec`). */
export function wireSpecOf<T>({ db, collection, filter, ...options }: LiveQuerySpec<T>): QuerySpec {
  return toQuerySpec(db, collection, filter, options);
}

/**
 * The query key of a live query: `['mongo-live', 'query', db, collection, { filter, sort, skip,
 * limit, projection }]` with every part canonical EJSON, so equal queries share one cache entry.
 * `prefetchLiveQuery` of @mongo-live/server-bridge builds the same key on the server.
 *
 * @example
 * liveQueryKey({ db: 'shop', collection: 'products', filter: { n: 1 } })
 * // ['mongo-live', 'query', 'shop', 'products', { filter: { n: { $numberInt: '1' } } }]
 */
export function liveQueryKey<T>(spec: LiveQuerySpec<T>): LiveQueryKey {
  return liveQueryKeyOf(wireSpecOf(spec));
}
