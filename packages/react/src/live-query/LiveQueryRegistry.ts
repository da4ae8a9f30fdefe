import { type LiveClient, LiveQuery, type LiveQueryStatus, Subscribable } from '@mongo-live/client';
import type { QuerySpec } from '@mongo-live/protocol';
import type { QueryClient, QueryKey } from '@tanstack/react-query';

/** What the registry reads of a live source's state: its status and, with 'error', why. */
export interface LiveSourceState {
  status: LiveQueryStatus;
  error?: Error;
}

/**
 * What the registry keeps in the cache: a live query, a live count, live pages. `ready()`
 * resolves with the first data; `dataOf` (given to {@link LiveQueryRegistry.openSource}) reads
 * the cache entry's value from a state.
 */
export interface LiveSource<S extends LiveSourceState, D> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): S;
  ready(): Promise<D>;
  close(): void;
}

interface Entry {
  query: LiveSource<LiveSourceState, unknown>;
  status: LiveQueryStatus;
  /** True once the first snapshot is in the cache: later changes are written with setQueryData. */
  primed: boolean;
  off: () => void;
}

const registries = new WeakMap<QueryClient, LiveQueryRegistry>();
/** Entries by react-query Query object, for `staleTime`, which only gets the Query. */
const byQuery = new WeakMap<object, Entry>();

/**
 * The live queries (and counts and pages: any {@link LiveSource}) behind the react-query cache of
 * one QueryClient, keyed by query hash. A live
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

  /** The live source behind `hash`, if open (e.g. live pages, for `fetchNextPage`). */
  source(hash: string): LiveSource<LiveSourceState, unknown> | undefined {
    return this.entries.get(hash)?.query;
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
    return this.openSource<{ docs: unknown[]; status: LiveQueryStatus }, T[]>(
      key,
      hash,
      (cached) =>
        new LiveQuery<unknown>(
          live.transport,
          spec,
          Array.isArray(cached) ? { initialDocs: cached as never[] } : {},
        ) as unknown as LiveSource<{ docs: unknown[]; status: LiveQueryStatus }, T[]>,
      (state) => state.docs as T[],
    );
  }

  /**
   * {@link open} for any {@link LiveSource}: `create` gets the cached data (e.g. hydrated from
   * SSR); every change of `dataOf(state)` is written to the cache entry of `key`.
   */
  openSource<S extends LiveSourceState, D>(
    key: QueryKey,
    hash: string,
    create: (cached: D | undefined) => LiveSource<S, D>,
    dataOf: (state: S) => D,
  ): Promise<D> {
    const existing = this.entries.get(hash);
    if (existing && existing.status !== 'error' && existing.status !== 'closed') {
      const source = existing.query as unknown as LiveSource<S, D>;
      return existing.primed ? Promise.resolve(dataOf(source.getSnapshot())) : source.ready();
    }
    if (existing) this.end(hash);
    const query = create(this.queryClient.getQueryData<D>(key));
    const entry: Entry = {
      query: query as unknown as Entry['query'],
      status: query.getSnapshot().status,
      primed: false,
      off: () => undefined,
    };
    let lastData: unknown;
    entry.off = query.subscribe(() => {
      const state = query.getSnapshot();
      const data = dataOf(state);
      if (entry.primed && data !== lastData) {
        lastData = data;
        this.queryClient.setQueryData(key, data);
      }
      if (state.status !== entry.status) {
        entry.status = state.status;
        if (entry.primed && state.status === 'error') this.failed(hash, state.error);
        this.notify();
      }
    });
    this.entries.set(hash, entry);
    const cachedQuery = this.queryClient.getQueryCache().get(hash);
    if (cachedQuery) byQuery.set(cachedQuery, entry);
    return query.ready().then((data) => {
      lastData = data;
      entry.primed = true;
      return data;
    });
  }

  /**
   * A live source failed after its first data (before it, `ready()` rejects the query function):
   * the cache entry takes the error as a failed refetch would, keeping its data, so `error` and
   * `isError` show it. The entry is stale from then on: the next fetch opens a new live source.
   */
  private failed(hash: string, error: Error | undefined): void {
    const query = this.queryClient.getQueryCache().get(hash);
    if (!query) return;
    const reason = error ?? new Error('the live query failed');
    query.setState({
      status: 'error',
      fetchStatus: 'idle',
      error: reason,
      errorUpdateCount: query.state.errorUpdateCount + 1,
      errorUpdatedAt: Date.now(),
      fetchFailureCount: query.state.fetchFailureCount + 1,
      fetchFailureReason: reason,
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
