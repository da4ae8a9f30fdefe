import type { LiveClient, LiveQueryStatus } from '@mongo-live/client';
import { liveQueryKeyOf } from '@mongo-live/protocol';
import {
  hashKey,
  type QueryClient,
  type UseQueryOptions,
  type UseQueryResult,
  type UseSuspenseQueryResult,
  useQuery,
  useQueryClient,
  useSuspenseQuery,
} from '@tanstack/react-query';
import type { Document, WithId } from 'mongodb';
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { liveCountKey, liveCountOptions } from '../live-count/liveCountOptions.js';
import { useLiveClient } from '../useLiveClient.js';
import { LiveQueryRegistry } from './LiveQueryRegistry.js';
import { type LiveQuerySpec, wireSpecOf } from './liveQueryKey.js';
import { optionsOfWireSpec } from './liveQueryOptions.js';

/**
 * Options of {@link useLiveQuery}: react-query's, plus the LiveClient when there is no LiveProvider.
 *
 * @example
 * useLiveQuery(spec, { enabled: signedIn, select: (docs) => docs.length });
 */
export type UseLiveQueryOptions<T> = Omit<UseQueryOptions<WithId<T>[]>, 'queryKey' | 'queryFn'> & {
  client?: LiveClient;
  /**
   * Also count every document matching the filter (ignoring sort, skip and limit), live: the
   * result's `total` (undefined until the first count). One more subscription: a live count.
   */
  withTotal?: boolean;
};

/**
 * What {@link useLiveQuery} returns: react-query's result and the live query's status.
 *
 * @example
 * const { data = [], isPending, liveStatus }: UseLiveQueryResult<Product> = useLiveQuery(spec);
 */
export type UseLiveQueryResult<T> = UseQueryResult<WithId<T>[]> & {
  liveStatus: LiveQueryStatus;
  /** With `withTotal: true`: the live number of documents matching the filter beyond the window. */
  total?: number;
};

/**
 * What {@link useSuspenseLiveQuery} returns.
 *
 * @example
 * const { data, liveStatus }: UseSuspenseLiveQueryResult<Product> = useSuspenseLiveQuery(spec);
 */
export type UseSuspenseLiveQueryResult<T> = UseSuspenseQueryResult<WithId<T>[]> & { liveStatus: LiveQueryStatus };

interface LiveBase<T> {
  options: ReturnType<typeof optionsOfWireSpec<T>>;
  queryClient: QueryClient;
  hash: string;
  live: LiveClient;
}

/**
 * The core of the live-query hooks (after react-query's `useBaseQuery`): computes the wire spec
 * and key once per render and keeps the react-query options stable while the key is. The hook
 * then runs its react-query hook with `options` and adds the live status with {@link useLiveResult}.
 */
function useLiveBase<T>(spec: LiveQuerySpec<T>, given: LiveClient | undefined): LiveBase<T> {
  const live = useLiveClient(given);
  const queryClient = useQueryClient();
  const wire = wireSpecOf(spec);
  const hash = hashKey(liveQueryKeyOf(wire));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `wire` is compared by value through `hash`
  const options = useMemo(() => optionsOfWireSpec<T>(wire, live), [hash, live]);
  return { options, queryClient, hash, live };
}

function useLiveResult<R extends object>(base: LiveBase<unknown>, result: R): R & { liveStatus: LiveQueryStatus } {
  return withLiveStatus(result, useRegistryStatus(base.queryClient, base.hash));
}

/**
 * react-query's result with `liveStatus` added, without touching react-query's object: its
 * fields are read through getters, so react-query still tracks which ones a component uses.
 */
export function withLiveStatus<R extends object>(
  result: R,
  liveStatus: LiveQueryStatus,
): R & { liveStatus: LiveQueryStatus } {
  const out = { liveStatus } as R & { liveStatus: LiveQueryStatus };
  for (const key of Object.keys(result) as Array<keyof R>) {
    Object.defineProperty(out, key, { enumerable: true, get: () => result[key] });
  }
  return out;
}

/** Status of the live source behind the cache entry of `hash` (internal to the package). */
export function useRegistryStatus(queryClient: QueryClient, hash: string): LiveQueryStatus {
  const registry = LiveQueryRegistry.of(queryClient);
  const get = useCallback(() => registry.status(hash), [registry, hash]);
  return useSyncExternalStore(registry.subscribe, get, get);
}

/**
 * Status of the live query behind a spec's cache entry: 'loading' until its first snapshot,
 * then 'live', 'reconnecting', 'error' or 'closed'.
 *
 * @example
 * const status = useLiveQueryStatus({ db: 'shop', collection: 'products' });
 */
export function useLiveQueryStatus<T>(spec: LiveQuerySpec<T>): LiveQueryStatus {
  return useRegistryStatus(useQueryClient(), hashKey(liveQueryKeyOf(wireSpecOf(spec))));
}

/**
 * A live query in the react-query cache: `data` is the current result and stays equal to a fresh
 * find(); unchanged documents keep their identity across updates, so memoised rows don't
 * re-render. `liveStatus` tells whether the result is live.
 *
 * @example
 * const { data = [], liveStatus } = useLiveQuery({ db: 'shop', collection: 'products', sort: { price: 1 }, limit: 20 });
 * // with the live number of all matching documents beside the first 20:
 * const { data: page = [], total } = useLiveQuery({ db: 'shop', collection: 'products', limit: 20 }, { withTotal: true });
 */
export function useLiveQuery<T = Document>(
  spec: LiveQuerySpec<T>,
  options: UseLiveQueryOptions<T> = {},
): UseLiveQueryResult<T> {
  const { client, withTotal = false, ...queryOptions } = options;
  const base = useLiveBase(spec, client);
  const result = useQuery({ ...base.options, ...queryOptions } as typeof base.options, base.queryClient);
  const total = useTotal(spec, base as LiveBase<unknown>, withTotal);
  const out: UseLiveQueryResult<T> = useLiveResult(base as LiveBase<unknown>, result);
  if (withTotal) out.total = total;
  return out;
}

/** The live count beside a window (`withTotal`): the same filter, without sort, skip or limit. */
function useTotal<T>(spec: LiveQuerySpec<T>, base: LiveBase<unknown>, enabled: boolean): number | undefined {
  const countSpec = { db: spec.db, collection: spec.collection, filter: spec.filter };
  const hash = hashKey(liveCountKey(countSpec));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `countSpec` is compared by value through `hash`
  const options = useMemo(() => liveCountOptions(countSpec, base.live), [hash, base.live]);
  return useQuery({ ...options, enabled }, base.queryClient).data;
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
): UseSuspenseLiveQueryResult<T> {
  const base = useLiveBase(spec, options.client);
  return useLiveResult(base as LiveBase<unknown>, useSuspenseQuery(base.options, base.queryClient));
}
