import type { LiveClient } from '@mongo-live/client';
import type { JSX, ReactNode } from 'react';
import { LiveContext } from './LiveContext.js';

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

/**
 * Makes a {@link LiveClient} available to the hooks below it. Create the client once, outside
 * render (module scope or a ref): the provider does not own it and never closes it.
 *
 * @example
 * const live = createLiveClient();
 * root.render(<LiveProvider client={live}><App /></LiveProvider>);
 */
export function LiveProvider({ client, children }: LiveProviderProps): JSX.Element {
  return <LiveContext.Provider value={client}>{children}</LiveContext.Provider>;
}
