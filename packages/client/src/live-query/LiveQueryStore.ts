import type { LiveQueryUpdate, QuerySpec } from '@mongo-live/protocol';
import type { Document, WithId } from 'mongodb';
import { LiveError } from '../LiveError.js';
import { type ConnectionStatus, isConnectionUp, type LiveTransport } from '../LiveTransport.js';
import { applyDiffs, type DocList, EMPTY_LIST, listOf, reconcile } from './DocList.js';
import type { LiveQuery, LiveQueryState } from './index.js';

/** Options of a live query store. */
export interface LiveQueryStoreOptions<T> {
  /** Documents already shown (e.g. hydrated from SSR): the first snapshot reuses their identities. */
  initialDocs?: readonly WithId<T>[];
}

/**
 * The client side of a live query: subscribes over the transport, applies the server's diffs with
 * structural sharing, resubscribes after a reconnect or a version gap (keeping the old documents
 * visible meanwhile) and exposes it all through `subscribe`/`getSnapshot`.
 *
 * @example
 * const store = new LiveQueryStore(transport, { db: 'shop', collection: 'products', sort: [['price', 1]] });
 * const docs = await store.ready();
 * const off = store.subscribe(() => render(store.getSnapshot().docs));
 */
export class LiveQueryStore<T = Document> implements LiveQuery<T> {
  private list: DocList<WithId<T>>;
  private state: LiveQueryState<T>;
  private readonly listeners = new Set<() => void>();
  private readonly cleanup: Array<() => void> = [];
  private queryId: string | undefined;
  private version = 0;
  private subId: string | undefined;
  /** Updates received while a subscription request is in flight (its query id is not known yet). */
  private pendingUpdates: LiveQueryUpdate[] | null = null;
  /** Increases with each subscription attempt; answers to older attempts are ignored. */
  private attempt = 0;
  private readonly firstSnapshot: Promise<WithId<T>[]>;
  private settleFirst!: { resolve(docs: WithId<T>[]): void; reject(error: LiveError): void };

  constructor(
    private readonly transport: LiveTransport,
    readonly spec: QuerySpec,
    options: LiveQueryStoreOptions<T> = {},
  ) {
    this.list = options.initialDocs ? listOf(options.initialDocs) : EMPTY_LIST;
    this.state = { docs: this.list.docs as WithId<T>[], status: 'loading' };
    this.firstSnapshot = new Promise((resolve, reject) => {
      this.settleFirst = { resolve, reject };
    });
    this.firstSnapshot.catch(() => undefined); // ready() callers see the rejection; nobody else must
    this.cleanup.push(
      transport.on('query:update', (update) => this.onUpdate(update)),
      transport.on('query:error', ({ queryId, error }) => {
        if (queryId === this.queryId) this.fail(LiveError.fromWire(error));
      }),
      transport.onStatus((status) => this.onStatus(status)),
    );
    void this.subscribeRemote();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getSnapshot(): LiveQueryState<T> {
    return this.state;
  }

  ready(): Promise<WithId<T>[]> {
    return this.firstSnapshot;
  }

  close(): void {
    if (this.state.status === 'closed') return;
    this.attempt += 1;
    for (const off of this.cleanup.splice(0)) off();
    this.releaseRemote();
    this.settleFirst.reject(new LiveError('CLOSED', 'the live query was closed'));
    this.setState({ docs: this.state.docs, status: 'closed' });
    this.listeners.clear();
  }

  private get ended(): boolean {
    return this.state.status === 'closed' || this.state.status === 'error';
  }

  private setState(next: LiveQueryState<T>): void {
    if (next.docs === this.state.docs && next.status === this.state.status && next.error === this.state.error) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }

  private setList(list: DocList<WithId<T>>, status: LiveQueryState<T>['status']): void {
    this.list = list;
    this.setState({ docs: list.docs as WithId<T>[], status });
  }

  /** Tells the server this store no longer needs its subscription (best effort). */
  private releaseRemote(): void {
    const subId = this.subId;
    this.subId = undefined;
    this.queryId = undefined;
    if (subId && isConnectionUp(this.transport.status))
      this.transport.request('unsubscribe', { subId }).catch(() => undefined);
  }

  private async subscribeRemote(): Promise<void> {
    const attempt = ++this.attempt;
    const subId = this.transport.newSubId();
    this.subId = subId;
    this.pendingUpdates = [];
    try {
      const accepted = await this.transport.request('query', { ...this.spec, subId });
      if (attempt !== this.attempt || this.ended) {
        if (this.subId !== subId) this.transport.request('unsubscribe', { subId }).catch(() => undefined);
        return;
      }
      const buffered = this.pendingUpdates ?? [];
      this.pendingUpdates = null;
      this.queryId = accepted.queryId;
      this.version = accepted.version;
      this.list = reconcile(this.list, accepted.docs);
      for (const update of buffered) this.onUpdate(update);
      if (attempt !== this.attempt) return; // a buffered update found a gap and resubscribed
      this.setList(this.list, this.transport.status === 'stale' ? 'stale' : 'live');
      this.settleFirst.resolve(this.list.docs as WithId<T>[]);
    } catch (error) {
      if (attempt !== this.attempt || this.ended) return;
      this.pendingUpdates = null;
      const e = error instanceof LiveError ? error : new LiveError('SERVER_ERROR', String(error));
      // Lost connection: keep the documents and wait for the transport to reconnect.
      if (e.code === 'DISCONNECTED') this.setState({ docs: this.state.docs, status: 'reconnecting' });
      else this.fail(e);
    }
  }

  private onUpdate(update: LiveQueryUpdate): void {
    if (this.ended) return;
    if (this.pendingUpdates) {
      this.pendingUpdates.push(update);
      return;
    }
    if (update.queryId !== this.queryId || update.version <= this.version) return;
    if (update.version !== this.version + 1) {
      // Missed an update: start over with a fresh snapshot (documents stay visible).
      this.releaseRemote();
      void this.subscribeRemote();
      return;
    }
    this.version = update.version;
    this.setList(applyDiffs(this.list, update.diffs), this.state.status);
  }

  private onStatus(status: ConnectionStatus): void {
    if (this.ended) return;
    // Stale is not a loss: the bridge keeps the subscription; the result may just be lagging.
    if (status === 'stale') {
      if (this.state.status === 'live') this.setState({ docs: this.state.docs, status: 'stale' });
      return;
    }
    if (status === 'connected') {
      if (this.state.status === 'stale') this.setState({ docs: this.state.docs, status: 'live' });
      if (this.state.status === 'reconnecting' || this.subId === undefined) void this.subscribeRemote();
      return;
    }
    if (status === 'connecting') return;
    // The server forgets subscriptions of a dropped socket: subscribe again once reconnected.
    this.attempt += 1;
    this.subId = undefined;
    this.queryId = undefined;
    this.pendingUpdates = null;
    if (this.state.status !== 'loading' || status === 'disconnected')
      this.setState({ docs: this.state.docs, status: 'reconnecting' });
  }

  private fail(error: LiveError): void {
    this.attempt += 1;
    this.releaseRemote();
    this.settleFirst.reject(error);
    this.setState({ docs: this.state.docs, status: 'error', error });
  }
}
