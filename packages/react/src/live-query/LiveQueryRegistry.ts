import { type LiveClient, LiveQuery, type LiveQueryStatus, Subscribable } from '@mongo-live/client';
import type { QuerySpec } from '@mongo-live/protocol';
import type { QueryClient, QueryKey } from '@tanstack/react-query';

interface Entry {
  query: LiveQuery<unknown>;
  status: LiveQueryStatus;
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
 * the entry (gcTime after its last observer left). Listeners hear every status change of any of
 * its queries (rare: not per update); each reads the status of its own key. Internal.
 *
 * @example
 * const registry = LiveQueryRegistry.of(queryClient);
 * const docs = await registry.open(live, spec, key, hash);
 */
export class LiveQueryRegistry extends Subscribable {
  private readonly entries = new Map<string, Entry>();

  private constructor(private readonly queryClient: QueryClient) {
    super();
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

  /** Status of the live query of `hash`; 'loading' before there is one. */
  status(hash: string): LiveQueryStatus {
    return this.entries.get(hash)?.status ?? 'loading';
  }

  /**
   * The query function: opens (or reuses) the live query of `hash` and resolves with its current
   * result, the first snapshot for a new one. Cached documents (e.g. hydrated from SSR) are handed
   * to the new live query, so its snapshot reuses their identities.
   */
  open<T>(live: LiveClient, spec: QuerySpec, key: QueryKey, hash: string): Promise<T[]> {
    const existing = this.entries.get(hash);
    if (existing && existing.status !== 'error' && existing.status !== 'closed') {
      const state = existing.query.getSnapshot();
      return (existing.primed ? Promise.resolve(state.docs) : existing.query.ready()) as Promise<T[]>;
    }
    if (existing) this.end(hash);
    const cached = this.queryClient.getQueryData<T[]>(key);
    const query = new LiveQuery<unknown>(
      live.transport,
      spec,
      Array.isArray(cached) ? { initialDocs: cached as never[] } : {},
    );
    const entry: Entry = { query, status: query.getSnapshot().status, primed: false, off: () => undefined };
    let lastDocs: unknown;
    entry.off = query.subscribe(() => {
      const state = query.getSnapshot();
      if (entry.primed && state.docs !== lastDocs) {
        lastDocs = state.docs;
        this.queryClient.setQueryData(key, state.docs);
      }
      if (state.status !== entry.status) {
        entry.status = state.status;
        this.notify();
      }
    });
    this.entries.set(hash, entry);
    const cachedQuery = this.queryClient.getQueryCache().get(hash);
    if (cachedQuery) byQuery.set(cachedQuery, entry);
    return query.ready().then((docs) => {
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
    entry.query.close();
    this.notify();
  }
}
