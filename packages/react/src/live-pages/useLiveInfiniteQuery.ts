import { type LiveClient, LivePages, type LivePagesState, type LiveQueryStatus } from '@mongo-live/client';
import { livePagesKeyOf, toQuerySpec } from '@mongo-live/protocol';
import {
  hashKey,
  type InfiniteData,
  type QueryKey,
  queryOptions,
  type UseInfiniteQueryResult,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { Document, WithId } from 'mongodb';
import { useCallback, useMemo, useState } from 'react';
import { LiveQueryRegistry } from '../live-query/LiveQueryRegistry.js';
import type { LiveQuerySpec } from '../live-query/liveQueryKey.js';
import { useRegistryStatus, withLiveStatus } from '../live-query/useLiveQuery.js';
import { useLiveClient } from '../useLiveClient.js';

/** Pages as react-query's infinite queries hold them; page params are page indexes. */
export type LivePagesData<T> = InfiniteData<WithId<T>[], number>;

/**
 * Options of {@link useLiveInfiniteQuery}.
 *
 * @example
 * useLiveInfiniteQuery(spec, { pageSize: 50, enabled: open });
 */
export interface UseLiveInfiniteQueryOptions {
  pageSize: number;
  enabled?: boolean;
  client?: LiveClient;
}

/**
 * What {@link useLiveInfiniteQuery} returns: react-query's infinite-query result and the live status.
 *
 * @example
 * const { data, fetchNextPage, hasNextPage, liveStatus }: UseLiveInfiniteQueryResult<Product> = useLiveInfiniteQuery(spec, { pageSize: 50 });
 */
export type UseLiveInfiniteQueryResult<T> = UseInfiniteQueryResult<LivePagesData<T>, Error> & {
  liveStatus: LiveQueryStatus;
};

/**
 * The react-query key of live pages: the live query's key with `'pages'` and the page size.
 *
 * @example
 * livePagesKey({ db: 'shop', collection: 'products', sort: { price: 1 } }, 50)
 * // ['mongo-live', 'pages', 'shop', 'products', { sort: [['price', 1]], pageSize: 50 }]
 */
export function livePagesKey<T>(spec: LiveQuerySpec<T>, pageSize: number): QueryKey {
  const { db, collection, filter, sort, projection } = spec;
  return livePagesKeyOf(toQuerySpec(db, collection, filter, { sort, projection }), pageSize);
}

const dataOfState = new WeakMap<object, LivePagesData<unknown>>();
/** One data object per state (the registry writes the cache when it changes, e.g. hasNextPage alone). */
function dataOf<T>(state: LivePagesState<T>): LivePagesData<T> {
  let data = dataOfState.get(state) as LivePagesData<T> | undefined;
  if (!data) {
    data = { pages: state.pages, pageParams: state.pages.map((_, i) => i) };
    dataOfState.set(state, data as LivePagesData<unknown>);
  }
  return data;
}

/** The registry's view of live pages: its data is react-query's infinite data. */
class PagesSource<T> {
  constructor(readonly pages: LivePages<T>) {}
  subscribe = (listener: () => void) => this.pages.subscribe(listener);
  getSnapshot = () => this.pages.getSnapshot();
  ready = () => this.pages.ready().then(() => dataOf(this.pages.getSnapshot()));
  close = () => this.pages.close();
}

function livePagesOptions<T>(spec: LiveQuerySpec<T>, pageSize: number, live: LiveClient) {
  const { db, collection, filter, sort, projection } = spec;
  const wire = { ...toQuerySpec(db, collection, filter, { sort, projection }), pageSize };
  return queryOptions<LivePagesData<T>, Error, LivePagesData<T>, QueryKey>({
    queryKey: livePagesKey(spec, pageSize),
    queryFn: ({ client, queryKey }) =>
      LiveQueryRegistry.of(client).openSource(
        queryKey,
        hashKey(queryKey),
        (cached: LivePagesData<T> | undefined) =>
          new PagesSource(new LivePages<T>(live.transport, wire, cached ? { initialPages: cached.pages } : {})),
        (state) => dataOf(state),
      ) as Promise<LivePagesData<T>>,
    staleTime: (query) => (LiveQueryRegistry.isLive(query) ? Number.POSITIVE_INFINITY : 0),
    structuralSharing: false,
    retry: false,
  });
}

/**
 * Live infinite scrolling on react-query's infinite-query model: `data.pages`, `fetchNextPage()`,
 * `hasNextPage`, `isFetchingNextPage`, with every loaded page live (see `collection.livePages`:
 * keyset page boundaries kept by the bridge, so no document shows twice or is skipped, and one
 * whose sort key crosses a boundary moves). There are no previous pages: the first is the start.
 *
 * @example
 * function Products() {
 *   const { data, fetchNextPage, hasNextPage } = useLiveInfiniteQuery<Product>(
 *     { db: 'shop', collection: 'products', sort: { price: 1 } }, { pageSize: 50 });
 *   return (<>{data?.pages.flat().map((p) => <Row key={String(p._id)} product={p} />)}
 *     {hasNextPage && <button onClick={() => fetchNextPage()}>Load more</button>}</>);
 * }
 */
export function useLiveInfiniteQuery<T = Document>(
  spec: LiveQuerySpec<T>,
  options: UseLiveInfiniteQueryOptions,
): UseLiveInfiniteQueryResult<T> {
  const live = useLiveClient(options.client);
  const queryClient = useQueryClient();
  const key = livePagesKey(spec, options.pageSize);
  const hash = hashKey(key);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `spec` is compared by value through `hash`
  const base = useMemo(() => livePagesOptions(spec, options.pageSize, live), [hash, live]);
  const result = useQuery({ ...base, enabled: options.enabled ?? true }, queryClient);
  const [fetching, setFetching] = useState(0);
  const [nextError, setNextError] = useState<Error | null>(null);
  const registry = LiveQueryRegistry.of(queryClient);
  const source = registry.source(hash) as PagesSource<T> | undefined;
  const snapshot = source?.pages.getSnapshot();
  // Until the bridge answers (server-rendered or cached pages), a last page shorter than a page
  // had nothing after it when it was read.
  const hasNextPage =
    result.data !== undefined &&
    (snapshot !== undefined && snapshot.status !== 'loading'
      ? snapshot.hasNextPage
      : (result.data.pages.at(-1)?.length ?? 0) >= options.pageSize);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is compared by value through `hash`
  const fetchNextPage = useCallback(async () => {
    const pages = (registry.source(hash) as PagesSource<T> | undefined)?.pages;
    if (pages) {
      setFetching((n) => n + 1);
      try {
        await pages.fetchNextPage();
        setNextError(null);
      } catch (error) {
        setNextError(error as Error);
      } finally {
        setFetching((n) => n - 1);
      }
    }
    return queryClient.getQueryCache().find({ queryKey: key, exact: true })?.state as never;
  }, [registry, hash, queryClient]);
  const infinite = Object.assign(withLiveStatus(result, useRegistryStatus(queryClient, hash)), {
    fetchNextPage,
    fetchPreviousPage: async () => queryClient.getQueryCache().find({ queryKey: key, exact: true })?.state as never,
    hasNextPage,
    hasPreviousPage: false,
    isFetchingNextPage: fetching > 0,
    isFetchingPreviousPage: false,
    isFetchNextPageError: nextError !== null,
    isFetchPreviousPageError: false,
  });
  return infinite as unknown as UseLiveInfiniteQueryResult<T>;
}
