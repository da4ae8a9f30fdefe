import type { LiveClient } from '@mongo-live/client';
import { useContext } from 'react';
import { LiveContext } from './LiveContext.js';

/**
 * The {@link LiveClient} the hooks use: `given` when there is one (e.g. a hook's `client`
 * option), else the nearest `LiveProvider`'s. Throws a clear error when there is neither.
 *
 * @example
 * const live = useLiveClient();
 * const onClick = () => live.db('shop').collection('orders').find({ status: 'open' });
 */
export function useLiveClient(given?: LiveClient): LiveClient {
  const fromContext = useContext(LiveContext);
  const client = given ?? fromContext;
  if (!client) {
    throw new Error(
      'mongo-live: no LiveClient found. Wrap your app in <LiveProvider client={createLiveClient()}> (from @mongo-live/react).',
    );
  }
  return client;
}
