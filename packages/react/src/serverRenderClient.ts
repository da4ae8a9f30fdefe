import type { LiveClient } from '@mongo-live/client';

/**
 * The LiveClient used while client components render on the server (SSR). A real client opens a
 * socket at once, which a server render must not do (there is no page origin, and nothing would
 * close it). During that render hooks only read the status and set up their stores; data comes
 * from the hydrated react-query cache. Anything else throws a clear error.
 *
 * @example
 * const live = typeof window === 'undefined' ? createServerRenderClient() : createLiveClient();
 */
export function createServerRenderClient(): LiveClient {
  const refuse = (): never => {
    throw new Error('mongo-live: the live client is only available in the browser');
  };
  const client = {
    status: 'connecting' as const,
    onStatus: () => () => undefined,
    db: refuse,
    watch: refuse,
    close: async () => undefined,
    get transport(): never {
      return refuse();
    },
  };
  return client as unknown as LiveClient;
}
