import { liveDehydrateOptions, type PrefetchSpec, prefetchLiveQuery } from '@mongo-live/server-bridge';
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
export async function prefetchLiveQueries(specs: PrefetchSpec[]): Promise<DehydratedState> {
  const { mongo, dbName } = getDemoContext();
  const userId = await currentUserId();
  // authorize reads the verified user from socket.data; give it this request's (verified) user.
  const context = { data: { user: userId } };
  const queryClient = new QueryClient();
  await Promise.all(
    specs.map((spec) =>
      prefetchLiveQuery(queryClient, { mongo, authorize: createDemoAuthorize(dbName), context }, spec),
    ),
  );
  // Extended JSON written with the driver's own BSON; <LiveHydration> reads it back.
  return dehydrate(queryClient, liveDehydrateOptions);
}
