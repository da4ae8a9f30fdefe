import { toQuerySpec } from '@mongo-live/client';
import { liveQueryKeyOf, type QuerySpec } from '@mongo-live/protocol';
import type { Document, Filter, Sort } from 'mongodb';

/** What a live query asks for, as written in components (JS values and any mongodb `Sort`). */
export interface LiveQuerySpec<T = Document> {
  db: string;
  collection: string;
  filter?: Filter<T>;
  sort?: Sort;
  limit?: number;
  skip?: number;
  projection?: Document;
}

/** The react-query key of a live query. */
export type LiveQueryKey = readonly ['mongo-live', 'query', string, string, Record<string, unknown>];

/**
 * The wire spec of a live query (filter and projection canonical EJSON, sort as pairs).
 *
 * @example
 * toWireSpec({ db: 'shop', collection: 'products', sort: { price: 1 } }).sort // [['price', 1]]
 */
export function toWireSpec<T>(spec: LiveQuerySpec<T>): QuerySpec {
  const { db, collection, filter, ...options } = spec;
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
  return keyOfWireSpec(toWireSpec(spec));
}

/** The query key of a wire spec (see {@link liveQueryKey}); the protocol's `liveQueryKeyOf`. */
export function keyOfWireSpec(spec: QuerySpec): LiveQueryKey {
  return liveQueryKeyOf(spec);
}
