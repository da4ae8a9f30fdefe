'use client';
import { createLiveClient, createServerRenderClient, type LiveClient } from '@mongo-live/react';
import { useEffect } from 'react';

/** The browser's live client of each signed-in user: one socket per user and tab. */
const browserClients = new Map<string, LiveClient>();
/** Closes deferred by an unmount, cancelled when the same client is mounted again. */
const pendingCloses = new Map<LiveClient, ReturnType<typeof setTimeout>>();

/**
 * The shop's live client for `userId`: in the browser, made once per user and closed when the
 * last provider using it unmounts; in a server render, one that opens nothing.
 *
 * Not made in a `useState` initializer: React throws away a render that suspends before it
 * commits (a page hydrating while its server data still streams in, which a slow machine makes
 * common) and runs the initializers again on the retry. A client made there opens a socket that
 * nothing ever closes, and every retry adds one: under load one tab opened thousands, until the
 * browser ran out of connections (net::ERR_INSUFFICIENT_RESOURCES) and the page never connected.
 *
 * @example
 * const live = useShopLiveClient(shop.userId);
 * return <LiveProvider client={live}>{children}</LiveProvider>;
 */
export function useShopLiveClient(userId: string): LiveClient {
  const live = typeof window === 'undefined' ? createServerRenderClient() : browserClient(userId);
  useEffect(() => {
    clearTimeout(pendingCloses.get(live));
    pendingCloses.delete(live);
    return () => {
      // Deferred, because StrictMode (dev) runs effect cleanups once on mount as a test: the
      // re-run effect cancels this close.
      pendingCloses.set(
        live,
        setTimeout(() => {
          pendingCloses.delete(live);
          if (browserClients.get(userId) === live) browserClients.delete(userId);
          void live.close();
        }, 0),
      );
    };
  }, [live, userId]);
  return live;
}

function browserClient(userId: string): LiveClient {
  let live = browserClients.get(userId);
  if (!live) {
    live = createLiveClient();
    browserClients.set(userId, live);
  }
  return live;
}
