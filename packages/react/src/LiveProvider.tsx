import type { LiveClient } from '@mongo-live/client';
import type { Context, JSX, ReactNode } from 'react';
import { LiveContext } from './LiveContext.js';
import * as liveQuery from './live-query/index.js';

/**
 * Props of {@link LiveProvider}.
 *
 * @example
 * <LiveProvider client={live}><App /></LiveProvider>
 */
export interface LiveProviderProps {
  client: LiveClient;
  children?: ReactNode;
}

// The live-query hooks read a stand-in context until they read LiveContext; provide it too while it exists.
const queryContext = (liveQuery as Record<string, unknown>).LiveQueryClientContext as
  | Context<LiveClient | undefined>
  | undefined;

/**
 * Makes a {@link LiveClient} available to the hooks below it. Create the client once, outside
 * render (module scope or a ref): the provider does not own it and never closes it.
 *
 * @example
 * const live = createLiveClient();
 * root.render(<LiveProvider client={live}><App /></LiveProvider>);
 */
export function LiveProvider({ client, children }: LiveProviderProps): JSX.Element {
  const inner = queryContext ? <queryContext.Provider value={client}>{children}</queryContext.Provider> : children;
  return <LiveContext.Provider value={client}>{inner}</LiveContext.Provider>;
}
