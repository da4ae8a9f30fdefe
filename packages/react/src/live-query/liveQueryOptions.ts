import type { LiveClient } from '@mongo-live/client';
import { liveQueryKeyOf, type QuerySpec } from '@mongo-live/protocol';
import { hashKey, type QueryKey, queryOptions } from '@tanstack/react-query';
import type { Document, WithId } from 'mongodb';
import { LiveQueryRegistry } from './LiveQueryRegistry.js';
import { type LiveQuerySpec, wireSpecOf } from './liveQueryKey.js';

/**
 * react-query options of a live query: its key, a query function that opens (or reuses) the live
 * query and resolves with its first snapshot, and a staleTime that is Infinity while the query is
 * live (the live query keeps the cache entry current; there is nothing to refetch). Usable with
 * `useQuery`, `useSuspenseQuery`, `prefetchQuery` and `ensureQueryData`.
 *
 * @example
 * const live = useLiveClient();
 * const { data } = useQuery(liveQueryOptions({ db: 'shop', collection: 'products', limit: 20 }, live));
 */
export function liveQueryOptions<T = Document>(spec: LiveQuerySpec<T>, live?: LiveClient) {
  return optionsOfWireSpec<T>(wireSpecOf(spec), live);
}

/** {@link liveQueryOptions} of a spec already in wire form (the hooks compute it once per render). */
export function optionsOfWireSpec<T>(wire: QuerySpec, live: LiveClient | undefined) {
  return queryOptions<WithId<T>[], Error, WithId<T>[], QueryKey>({
    queryKey: liveQueryKeyOf(wire),
    queryFn: ({ client, queryKey }) => {
      if (!live) throw new Error('liveQueryOptions(spec, live): a LiveClient is needed to run the query');
      return LiveQueryRegistry.of(client).open<WithId<T>>(live, wire, queryKey, hashKey(queryKey));
    },
    // Live data never goes stale; a cache entry without a live query (hydrated from SSR,
    // or whose live query failed) is stale, so mounting it opens the live query.
    staleTime: (query) => (LiveQueryRegistry.isLive(query) ? Number.POSITIVE_INFINITY : 0),
    // Documents keep their identity through the live query's own structural sharing.
    structuralSharing: false,
    retry: false,
  });
}
