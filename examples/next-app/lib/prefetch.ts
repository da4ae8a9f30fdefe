import {
  liveDehydrateOptions,
  type PrefetchContext,
  type PrefetchSpec,
  prefetchLiveCount,
  prefetchLivePages,
  prefetchLiveQuery,
} from '@mongo-live/server-bridge';
import { type DehydratedState, dehydrate, QueryClient } from '@tanstack/react-query';
import { createDemoAuthorize } from '../server/authorize';
import { currentUserId } from './currentUser';
import { getDemoContext } from './demoContext';

/**
 * Runs live queries once on the server with the bridge's own `prefetchLiveQuery`: validated and
 * authorized by the same `authorize` as the socket, with this request's user, so the HTML holds
 * exactly what the live query will. Returns react-query's dehydrated cache for <LiveHydration>,
 * documents as canonical Extended JSON (server props cannot carry ObjectId or Date).
 */
export function prefetchLiveQueries(specs: PrefetchSpec[]): Promise<DehydratedState> {
  return prefetchLive(specs.map((spec) => (queryClient, context) => prefetchLiveQuery(queryClient, context, spec)));
}

/**
 * The first page of live pages and the live total of their filter, read on the server as
 * {@link prefetchLiveQueries} reads queries.
 */
export function prefetchFirstPage(
  spec: Omit<PrefetchSpec, 'limit' | 'skip'>,
  pageSize: number,
): Promise<DehydratedState> {
  return prefetchLive([
    (queryClient, context) => prefetchLivePages(queryClient, context, spec, { pageSize }),
    (queryClient, context) => prefetchLiveCount(queryClient, context, spec),
  ]);
}

type Prefetch = (queryClient: QueryClient, context: PrefetchContext) => Promise<unknown>;

async function prefetchLive(prefetches: Prefetch[]): Promise<DehydratedState> {
  const { mongo, dbName } = getDemoContext();
  const userId = await currentUserId();
  // authorize reads the verified user from socket.data; give it this request's (verified) user.
  const context: PrefetchContext = {
    mongo,
    authorize: createDemoAuthorize(dbName),
    context: { data: { user: userId } },
  };
  const queryClient = new QueryClient();
  await Promise.all(prefetches.map((prefetch) => prefetch(queryClient, context)));
  // Extended JSON written with the driver's own BSON; <LiveHydration> reads it back.
  return dehydrate(queryClient, liveDehydrateOptions);
}
