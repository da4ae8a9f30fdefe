import { createLiveClient, type LiveClient, type LiveClientOptions } from '@mongo-live/client';

/**
 * The clients `<LiveProvider>` makes itself, kept outside React state. React throws away a render
 * that suspends before it commits (a page hydrating while its server data still streams in) and
 * runs state initializers again on the retry: a client made there opens a socket per attempt that
 * nothing closes. Here a retried render finds the client its first attempt made. Internal.
 */
const clients = new Map<string, { client: LiveClient; mounted: number; closing?: ReturnType<typeof setTimeout> }>();

/** The key of one provider's client: its options (what a server layout can pass) and its `clientKey`. */
export function ownedClientKey(options: Omit<LiveClientOptions, 'socket'> | undefined, clientKey = ''): string {
  let serialized: string;
  try {
    serialized = JSON.stringify(options ?? {});
  } catch {
    serialized = String(Math.random()); // not serializable (a cycle): no sharing, as before
  }
  return `${clientKey}\u0000${serialized}`;
}

/** In render: the client of `key`, made by its first render attempt. */
export function ownedClient(key: string, options: Omit<LiveClientOptions, 'socket'> | undefined): LiveClient {
  let entry = clients.get(key);
  // One whose last provider just unmounted is closing: a provider mounting now gets a fresh one.
  if (!entry || entry.closing !== undefined) {
    entry = { client: createLiveClient(options), mounted: 0 };
    clients.set(key, entry);
  }
  return entry.client;
}

/**
 * In an effect: counts a committed provider of `key`; the returned cleanup closes the client once
 * no provider of it is mounted. The close is deferred a tick because StrictMode runs an effect's
 * cleanup once on mount as a test, and the re-run effect cancels it.
 */
export function mountOwnedClient(key: string): () => void {
  const entry = clients.get(key);
  if (!entry) return () => {};
  clearTimeout(entry.closing);
  entry.closing = undefined;
  entry.mounted++;
  return () => {
    entry.mounted--;
    if (entry.mounted > 0) return;
    entry.closing = setTimeout(() => {
      if (clients.get(key) === entry) clients.delete(key);
      void entry.client.close();
    }, 0);
  };
}
