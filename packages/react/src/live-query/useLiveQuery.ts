import type { LiveClient } from '@mongo-live/client';
import {
  hashKey,
  type UseQueryOptions,
  type UseQueryResult,
  type UseSuspenseQueryResult,
  useQuery,
  useQueryClient,
  useSuspenseQuery,
} from '@tanstack/react-query';
import type { Document, WithId } from 'mongodb';
import { useCallback, useSyncExternalStore } from 'react';
import { LiveQueryRegistry, type LiveStatus } from './LiveQueryRegistry.js';
import { useLiveClientForQueries } from './liveClientSource.js';
import { type LiveQuerySpec, liveQueryKey } from './liveQueryKey.js';
import { liveQueryOptions } from './liveQueryOptions.js';

/** Options of {@link useLiveQuery}: react-query's, plus the LiveClient when there is no LiveProvider. */
export type UseLiveQueryOptions<T> = Omit<UseQueryOptions<WithId<T>[]>, 'queryKey' | 'queryFn'> & {
  client?: LiveClient;
};

/**
 * Status of the live query behind a spec's cache entry: 'loading' until its first snapshot,
 * then 'live', 'reconnecting', 'error' or 'closed'.
 *
 * @example
 * const status = useLiveQueryStatus({ db: 'shop', collection: 'products' });
 */
export function useLiveQueryStatus<T>(spec: LiveQuerySpec<T>): LiveStatus {
  const registry = LiveQueryRegistry.of(useQueryClient());
  const hash = hashKey(liveQueryKey(spec));
  const subscribe = useCallback((listener: () => void) => registry.subscribeStatus(hash, listener), [registry, hash]);
  const get = () => registry.status(hash);
  return useSyncExternalStore(subscribe, get, get);
}

/**
 * A live query in the react-query cache: `data` is the current result and stays equal to a fresh
 * find(); unchanged documents keep their identity across updates, so memoised rows don't
 * re-render. `liveStatus` tells whether the result is live.
 *
 * @example
 * const { data = [], liveStatus } = useLiveQuery({ db: 'shop', collection: 'products', sort: { price: 1 }, limit: 20 });
 */
export function useLiveQuery<T = Document>(
  spec: LiveQuerySpec<T>,
  options: UseLiveQueryOptions<T> = {},
): UseQueryResult<WithId<T>[]> & { liveStatus: LiveStatus } {
  const { client, ...queryOptions } = options;
  const live = useLiveClientForQueries(client);
  const result = useQuery({ ...liveQueryOptions(spec, live), ...queryOptions });
  const liveStatus = useLiveQueryStatus(spec);
  return Object.assign(result, { liveStatus });
}

/**
 * The Suspense form of {@link useLiveQuery}: suspends until the first snapshot, then `data` is
 * always there and stays current.
 *
 * @example
 * function Products() {
 *   const { data } = useSuspenseLiveQuery({ db: 'shop', collection: 'products' });
 *   return <List items={data} />;
 * }
 */
export function useSuspenseLiveQuery<T = Document>(
  spec: LiveQuerySpec<T>,
  options: { client?: LiveClient } = {},
): UseSuspenseQueryResult<WithId<T>[]> & { liveStatus: LiveStatus } {
  const live = useLiveClientForQueries(options.client);
  const result = useSuspenseQuery(liveQueryOptions(spec, live));
  const liveStatus = useLiveQueryStatus(spec);
  return Object.assign(result, { liveStatus });
}
