import type { LiveClient, LiveQueryStatus } from '@mongo-live/client';
import { hashKey, type UseQueryOptions, type UseQueryResult, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Document } from 'mongodb';
import { useMemo } from 'react';
import { useRegistryStatus, withLiveStatus } from '../live-query/useLiveQuery.js';
import { useLiveClient } from '../useLiveClient.js';
import { type LiveCountSpec, liveCountKey, liveCountOptions } from './liveCountOptions.js';

/**
 * Options of {@link useLiveCount}: react-query's (e.g. `enabled`), plus the LiveClient when there
 * is no LiveProvider.
 *
 * @example
 * useLiveCount(spec, { enabled: signedIn });
 */
export type UseLiveCountOptions = Omit<UseQueryOptions<number>, 'queryKey' | 'queryFn'> & { client?: LiveClient };

/**
 * The number of documents matching `filter` (and the user's row filter on the bridge), live:
 * `data` changes with every write that changes it, and `liveStatus` tells whether it is current.
 * Each write costs the bridge O(1), never a `countDocuments`. Counts sharing a filter share one
 * live count.
 *
 * @example
 * function OrderBadge({ userId }: { userId: string }) {
 *   const { data: orders = 0 } = useLiveCount({ db: 'shop', collection: 'orders', filter: { userId } });
 *   return <span>{orders} orders</span>;
 * }
 */
export function useLiveCount<T = Document>(
  spec: LiveCountSpec<T>,
  options: UseLiveCountOptions = {},
): UseQueryResult<number> & { liveStatus: LiveQueryStatus } {
  const { client, ...queryOptions } = options;
  const live = useLiveClient(client);
  const queryClient = useQueryClient();
  const hash = hashKey(liveCountKey(spec));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `spec` is compared by value through `hash`
  const base = useMemo(() => liveCountOptions(spec, live), [hash, live]);
  const result = useQuery({ ...base, ...queryOptions } as typeof base, queryClient);
  return withLiveStatus(result, useRegistryStatus(queryClient, hash));
}
