// Owned by the live-query work (issue 6): the LiveQuery store and `find`, built on LiveTransport.
import type { QuerySpec } from '@mongo-live/protocol';
import type { Document, WithId } from 'mongodb';
import { LiveError } from '../LiveError.js';
import type { LiveTransport } from '../LiveTransport.js';

/** State of a live query, read through `getSnapshot()`. */
export interface LiveQueryState<T> {
  docs: WithId<T>[];
  status: 'loading' | 'live' | 'reconnecting' | 'error' | 'closed';
  error?: LiveError;
}

/** A find() result that stays current; fits React's useSyncExternalStore. */
export interface LiveQuery<T = Document> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): LiveQueryState<T>;
  ready(): Promise<WithId<T>[]>;
  close(): void;
}

/** Opens a live query over `transport` (placeholder until the live-query store lands). */
export function createLiveQuery<T = Document>(_transport: LiveTransport, _spec: QuerySpec): LiveQuery<T> {
  throw new LiveError('SERVER_ERROR', 'live queries are not implemented yet');
}

/** One-off authorized find (placeholder until the live-query store lands). */
export async function findOnce<T = Document>(_transport: LiveTransport, _spec: QuerySpec): Promise<WithId<T>[]> {
  throw new LiveError('SERVER_ERROR', 'find is not implemented yet');
}
