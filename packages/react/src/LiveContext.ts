import type { LiveClient } from '@mongo-live/client';
import { createContext } from 'react';

/**
 * The React context holding the {@link LiveClient} given to `LiveProvider`. Prefer `useLiveClient()`.
 *
 * @example
 * const client = useContext(LiveContext); // null outside a LiveProvider
 */
export const LiveContext = createContext<LiveClient | null>(null);
LiveContext.displayName = 'MongoLiveContext';
