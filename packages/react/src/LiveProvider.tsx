import type { LiveClient, LiveClientOptions } from '@mongo-live/client';
import { QueryClient, QueryClientContext, QueryClientProvider } from '@tanstack/react-query';
import { type JSX, type ReactNode, useContext, useEffect, useState } from 'react';
import { LiveContext } from './LiveContext.js';
import { mountOwnedClient, ownedClient, ownedClientKey } from './ownedClients.js';
import { createServerRenderClient } from './serverRenderClient.js';

/**
 * Props of {@link LiveProvider}: either a `client` you created, or the serializable `options` of
 * the one the provider creates (what a React Server Component such as a Next.js `layout.tsx` can
 * pass).
 *
 * @example
 * <LiveProvider client={live}><App /></LiveProvider>
 * <LiveProvider options={{ url: 'https://api.example.com' }}><App /></LiveProvider>
 */
export interface LiveProviderProps {
  /** A client you own: the provider never closes it. */
  client?: LiveClient;
  /** Without `client`: options of the client the provider creates in the browser and closes on unmount. */
  options?: Omit<LiveClientOptions, 'socket'>;
  /**
   * Without `client`: a new client (a new socket, so a new handshake) is made whenever this
   * changes, e.g. the signed-in user's id. Providers with the same options and key share one.
   */
  clientKey?: string;
  children?: ReactNode;
}

/**
 * Makes a {@link LiveClient} available to the hooks below it. Give it a client created once,
 * outside render (the provider does not own it and never closes it), or let it create one from
 * `options`: then it also provides a react-query `QueryClient` (live data never goes stale by age)
 * when no `QueryClientProvider` is above it, so a server `layout.tsx` can render it directly.
 *
 * @example
 * const live = createLiveClient();
 * root.render(<LiveProvider client={live}><App /></LiveProvider>);
 *
 * // app/layout.tsx (a server component)
 * <body><LiveProvider>{children}</LiveProvider></body>
 */
export function LiveProvider({ client, options, clientKey, children }: LiveProviderProps): JSX.Element {
  const owned = useOwnedClient(client === undefined, options, clientKey);
  const outerQueryClient = useContext(QueryClientContext);
  const [ownQueryClient] = useState(() =>
    outerQueryClient ? undefined : new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } }),
  );
  const provided = <LiveContext.Provider value={client ?? owned ?? null}>{children}</LiveContext.Provider>;
  if (client !== undefined || !ownQueryClient) return provided;
  return <QueryClientProvider client={ownQueryClient}>{provided}</QueryClientProvider>;
}

/**
 * The client the provider owns, when it was given none: made with the first render attempt (so
 * hooks see it at once) and found again by retried attempts (see ownedClients.ts), never
 * connecting while rendered on the server, and closed when the last provider of it unmounts.
 */
function useOwnedClient(
  wanted: boolean,
  options: LiveProviderProps['options'],
  clientKey: string | undefined,
): LiveClient | undefined {
  const onServer = typeof window === 'undefined';
  const key = wanted && !onServer ? ownedClientKey(options, clientKey) : undefined;
  // A server render must not open a socket: there is no page origin, and nothing would close it.
  const [serverClient] = useState(() => (wanted && onServer ? createServerRenderClient() : undefined));
  const client = key === undefined ? serverClient : ownedClient(key, options);
  useEffect(() => (key === undefined ? undefined : mountOwnedClient(key)), [key]);
  return client;
}
