import type { LiveClient } from '@mongo-live/client';
import { createContext } from 'react';

/** The client given to `LiveProvider`; internal: hooks read it through `useLiveClient()`. */
export const LiveContext = createContext<LiveClient | null>(null);
LiveContext.displayName = 'MongoLiveContext';
