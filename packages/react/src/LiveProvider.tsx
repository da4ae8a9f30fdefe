import { createLiveClient, type LiveClient, type LiveClientOptions } from '@mongo-live/client';
import { QueryClient, QueryClientContext, QueryClientProvider } from '@tanstack/react-query';
import { type JSX, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import { LiveContext } from './LiveContext.js';
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
export function LiveProvider({ client, options, children }: LiveProviderProps): JSX.Element {
  const owned = useOwnedClient(client === undefined, options);
  const outerQueryClient = useContext(QueryClientContext);
  const [ownQueryClient] = useState(() =>
    outerQueryClient ? undefined : new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } }),
  );
  const provided = <LiveContext.Provider value={client ?? owned ?? null}>{children}</LiveContext.Provider>;
  if (client !== undefined || !ownQueryClient) return provided;
  return <QueryClientProvider client={ownQueryClient}>{provided}</QueryClientProvider>;
}

/**
 * The client the provider owns, when it was given none: created with the first render (so hooks
 * see it at once), without connecting while rendered on the server, and closed on unmount.
 */
function useOwnedClient(wanted: boolean, options: LiveProviderProps['options']): LiveClient | undefined {
  const [client] = useState(() => {
    if (!wanted) return undefined;
    // A server render must not open a socket: there is no page origin, and nothing would close it.
    return typeof window === 'undefined' ? createServerRenderClient() : createLiveClient(options);
  });
  // Deferred close: StrictMode runs an effect's cleanup once on mount as a test; the re-run cancels it.
  const pendingClose = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => {
    if (!client) return;
    clearTimeout(pendingClose.current);
    return () => {
      pendingClose.current = setTimeout(() => void client.close(), 0);
    };
  }, [client]);
  return client;
}
