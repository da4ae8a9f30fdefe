import type { LiveClient } from '@mongo-live/react';

/**
 * The LiveClient seen while Next.js renders client components on the server. `createLiveClient()`
 * opens a socket at once, which a server render must not do (there is no page origin to connect
 * to, and nothing would close it). During that render the hooks only read the status and set up
 * stores; data comes from the hydrated react-query cache. Anything else is a bug, said loudly.
 */
export function serverRenderClient(): LiveClient {
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
