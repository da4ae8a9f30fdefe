import type { LiveClient } from '@mongo-live/client';
import { useContext } from 'react';
import { LiveContext } from '../LiveContext.js';

/**
 * The LiveClient for the live-query hooks: the one given in the hook's options, else the nearest
 * `LiveProvider`'s.
 *
 * @example
 * const live = useLiveClientForQueries(options.client);
 */
export function useLiveClientForQueries(given?: LiveClient): LiveClient {
  const fromContext = useContext(LiveContext);
  const live = given ?? fromContext;
  if (!live)
    throw new Error('useLiveQuery: no LiveClient found. Wrap your app in <LiveProvider client={createLiveClient()}>.');
  return live;
}
