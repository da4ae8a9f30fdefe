import { type LiveClient, LiveCount } from '@mongo-live/client';
import { liveCountKeyOf, toQuerySpec } from '@mongo-live/protocol';
import { hashKey, type QueryKey, queryOptions } from '@tanstack/react-query';
import type { Document, Filter } from 'mongodb';
import { LiveQueryRegistry } from '../live-query/LiveQueryRegistry.js';

/**
 * What a live count counts, as written in components.
 *
 * @example
 * const spec: LiveCountSpec<Order> = { db: 'shop', collection: 'orders', filter: { userId } };
 */
export interface LiveCountSpec<T = Document> {
  db: string;
  collection: string;
  filter?: Filter<T>;
}

/**
 * The react-query key of a live count: `['mongo-live', 'count', db, collection, { filter }]`,
 * the filter in canonical EJSON.
 *
 * @example
 * liveCountKey({ db: 'shop', collection: 'orders', filter: { status: 'open' } })
 * // ['mongo-live', 'count', 'shop', 'orders', { filter: { status: 'open' } }]
 */
export function liveCountKey<T>(spec: LiveCountSpec<T>): readonly ['mongo-live', 'count', string, string, Document] {
  return liveCountKeyOf(toQuerySpec(spec.db, spec.collection, spec.filter));
}

/**
 * react-query options of a live count: a query function that opens (or reuses) the live count of
 * the key and resolves with its first value; the live count keeps the entry current.
 *
 * @example
 * const { data: open = 0 } = useQuery(liveCountOptions({ db: 'shop', collection: 'orders', filter: { open: true } }, live));
 */
export function liveCountOptions<T = Document>(spec: LiveCountSpec<T>, live?: LiveClient) {
  const wire = toQuerySpec(spec.db, spec.collection, spec.filter);
  return queryOptions<number, Error, number, QueryKey>({
    queryKey: liveCountKeyOf(wire),
    queryFn: ({ client, queryKey }) => {
      if (!live) throw new Error('liveCountOptions(spec, live): a LiveClient is needed to count');
      return LiveQueryRegistry.of(client).openSource(
        queryKey,
        hashKey(queryKey),
        () => new LiveCount(live.transport, wire),
        (state) => state.count,
      );
    },
    staleTime: (query) => (LiveQueryRegistry.isLive(query) ? Number.POSITIVE_INFINITY : 0),
    retry: false,
  });
}
