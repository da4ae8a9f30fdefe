import type { LiveClient } from '@mongo-live/client';
import { useContext } from 'react';
import { LiveContext } from './LiveContext.js';

/**
 * The {@link LiveClient} of the nearest `LiveProvider`. Throws a clear error outside one.
 *
 * @example
 * const live = useLiveClient();
 * const onClick = () => live.db('shop').collection('orders').find({ status: 'open' });
 */
export function useLiveClient(): LiveClient {
  const client = useContext(LiveContext);
  if (!client) {
    throw new Error(
      'useLiveClient: no LiveClient found. Wrap your app in <LiveProvider client={createLiveClient()}> (from @mongo-live/react).',
    );
  }
  return client;
}
