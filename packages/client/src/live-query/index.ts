// Owned by the live-query work (issue 6): the LiveQuery store and `find`, built on LiveTransport.
import { decode, type QuerySpec } from '@mongo-live/protocol';
import type { Document, WithId } from 'mongodb';
import type { LiveError } from '../LiveError.js';
import type { LiveTransport } from '../LiveTransport.js';
import { LiveQueryStore, type LiveQueryStoreOptions } from './LiveQueryStore.js';

/**
 * State of a live query, read through `getSnapshot()`. `'stale'`: subscribed, but the connection
 * stopped answering (see ConnectionStatus); back to `'live'` with nothing missed, or `'reconnecting'`.
 */
export interface LiveQueryState<T> {
  docs: WithId<T>[];
  status: 'loading' | 'live' | 'stale' | 'reconnecting' | 'error' | 'closed';
  error?: LiveError;
}

/** A find() result that stays current; fits React's useSyncExternalStore. */
export interface LiveQuery<T = Document> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): LiveQueryState<T>;
  ready(): Promise<WithId<T>[]>;
  close(): void;
}

/**
 * Opens a live query over `transport`: it subscribes at once, and keeps its result equal to what
 * a fresh find() would return until `close()`.
 *
 * @example
 * const q = createLiveQuery(transport, { db: 'shop', collection: 'products', filter: {}, sort: [['price', 1]] });
 * q.subscribe(() => console.log(q.getSnapshot().docs));
 */
export function createLiveQuery<T = Document>(
  transport: LiveTransport,
  spec: QuerySpec,
  options?: LiveQueryStoreOptions<T>,
): LiveQuery<T> {
  return new LiveQueryStore<T>(transport, spec, options);
}

/**
 * One-off authorized find, with the same semantics (sort with `_id` tiebreak, skip, limit,
 * projection) as a live query's first snapshot.
 *
 * @example
 * const docs = await findOnce(transport, { db: 'shop', collection: 'products', limit: 10 });
 */
export async function findOnce<T = Document>(transport: LiveTransport, spec: QuerySpec): Promise<WithId<T>[]> {
  const { docs } = await transport.request('find', spec);
  return docs.map((d) => decode<WithId<T>>(d));
}

export { applyDiffs, contentKey, type DocList, listOf, reconcile } from './DocList.js';
export { LiveQueryStore, type LiveQueryStoreOptions } from './LiveQueryStore.js';
