import { createLiveQuery, type LiveClient, type LiveQuery, type LiveQueryState } from '@mongo-live/client';
import type { QuerySpec } from '@mongo-live/protocol';
import type { QueryClient, QueryKey } from '@tanstack/react-query';

/** Live status of a query key: the status of its live query, 'loading' before there is one. */
export type LiveStatus = LiveQueryState<unknown>['status'];

interface Entry {
  key: QueryKey;
  store: LiveQuery<unknown>;
  status: LiveStatus;
  /** True once the first snapshot is in the cache: later changes are written with setQueryData. */
  primed: boolean;
  off: () => void;
}

const registries = new WeakMap<QueryClient, LiveQueryRegistry>();
/** Entries by react-query Query object, for `staleTime`, which only gets the Query. */
const byQuery = new WeakMap<object, Entry>();

/**
 * The live queries behind the react-query cache of one QueryClient, keyed by query hash. A live
 * query is opened by the first fetch of its key, writes every change into the cache entry with
 * `setQueryData` (unchanged documents keep their identity), and is closed when react-query removes
 * the entry (gcTime after its last observer left).
 *
 * @example
 * const registry = LiveQueryRegistry.of(queryClient);
 * const docs = await registry.open(live, spec, key, hash);
 */
export class LiveQueryRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Map<string, Set<() => void>>();

  private constructor(private readonly queryClient: QueryClient) {
    queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'removed') this.end(event.query.queryHash);
    });
  }

  /** The registry of a QueryClient (created on first use). */
  static of(queryClient: QueryClient): LiveQueryRegistry {
    let registry = registries.get(queryClient);
    if (!registry) {
      registry = new LiveQueryRegistry(queryClient);
      registries.set(queryClient, registry);
    }
    return registry;
  }

  /** True while the live query behind a react-query Query is live. */
  static isLive(query: object): boolean {
    return byQuery.get(query)?.status === 'live';
  }

  /** Number of open live queries (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  status(hash: string): LiveStatus {
    return this.entries.get(hash)?.status ?? 'loading';
  }

  subscribeStatus(hash: string, listener: () => void): () => void {
    let set = this.listeners.get(hash);
    if (!set) {
      set = new Set();
      this.listeners.set(hash, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(hash) === set) this.listeners.delete(hash);
    };
  }

  /**
   * The query function: opens (or reuses) the live query of `hash` and resolves with its current
   * result, the first snapshot for a new one. Cached documents (e.g. hydrated from SSR) are handed
   * to the new live query, so its snapshot reuses their identities.
   */
  open<T>(live: LiveClient, spec: QuerySpec, key: QueryKey, hash: string): Promise<T[]> {
    const existing = this.entries.get(hash);
    if (existing && existing.status !== 'error' && existing.status !== 'closed') {
      const state = existing.store.getSnapshot();
      return (existing.primed ? Promise.resolve(state.docs) : existing.store.ready()) as Promise<T[]>;
    }
    if (existing) this.end(hash);
    const cached = this.queryClient.getQueryData<T[]>(key);
    const store = createLiveQuery<unknown>(
      live.transport,
      spec,
      Array.isArray(cached) ? { initialDocs: cached as never[] } : {},
    );
    const entry: Entry = { key, store, status: store.getSnapshot().status, primed: false, off: () => undefined };
    let lastDocs: unknown;
    entry.off = store.subscribe(() => {
      const state = store.getSnapshot();
      if (entry.primed && state.docs !== lastDocs) {
        lastDocs = state.docs;
        this.queryClient.setQueryData(key, state.docs);
      }
      if (state.status !== entry.status) {
        entry.status = state.status;
        this.notify(hash);
      }
    });
    this.entries.set(hash, entry);
    const query = this.queryClient.getQueryCache().get(hash);
    if (query) byQuery.set(query, entry);
    return store.ready().then((docs) => {
      lastDocs = docs;
      entry.primed = true;
      return docs as T[];
    });
  }

  /** Closes the live query of `hash` (its cache entry was removed). */
  end(hash: string): void {
    const entry = this.entries.get(hash);
    if (!entry) return;
    this.entries.delete(hash);
    entry.status = 'closed';
    entry.off();
    entry.store.close();
    this.notify(hash);
  }

  private notify(hash: string): void {
    for (const listener of [...(this.listeners.get(hash) ?? [])]) listener();
  }
}
