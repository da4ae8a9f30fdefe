import type { LiveQueryAccepted, LiveQueryUpdate, QuerySpec } from '@mongo-live/protocol';
import type { Document, WithId } from 'mongodb';
import { LiveError } from '../LiveError.js';
import { Subscribable } from '../Subscribable.js';
import {
  RemoteSubscription,
  type SubscriptionKind,
  type SubscriptionPhase,
  type SubscriptionRoutes,
} from '../subscription/RemoteSubscription.js';
import type { LiveTransport } from '../transport/LiveTransport.js';
import { applyDiffs, type DocList, EMPTY_LIST, listOf, reconcile } from './DocList.js';

/**
 * Status of a live query: 'loading' until its first snapshot, 'live' while it is known to be
 * current, 'reconnecting' while it is not (connection lost, left a closing bridge node, a missed
 * update) until a fresh snapshot arrives, then 'error' or 'closed'. 'stale': subscribed, but the
 * connection stopped answering (ConnectionStatus 'stale'); back to 'live' with nothing missed.
 *
 * @example
 * const badge: Record<LiveQueryStatus, string> = { loading: '…', live: '●', stale: '◌', reconnecting: '○', error: '!', closed: '' };
 */
export type LiveQueryStatus = 'loading' | 'live' | 'stale' | 'reconnecting' | 'error' | 'closed';

/**
 * State of a live query, read through `getSnapshot()`: a new object whenever something changes,
 * the same object otherwise.
 *
 * @example
 * const { docs, status, error } = query.getSnapshot();
 */
export interface LiveQueryState<T> {
  docs: WithId<T>[];
  status: LiveQueryStatus;
  error?: LiveError;
}

/**
 * Options of a {@link LiveQuery}.
 *
 * @example
 * new LiveQuery(live.transport, spec, { initialDocs: hydratedDocs });
 */
export interface LiveQueryOptions<T> {
  /** Documents already shown (e.g. hydrated from SSR): the first snapshot reuses their identities. */
  initialDocs?: readonly WithId<T>[];
}

const STATUS_OF: Record<SubscriptionPhase, LiveQueryStatus> = {
  connecting: 'loading',
  open: 'live',
  stale: 'stale',
  reconnecting: 'reconnecting',
  closed: 'closed',
  error: 'error',
};

/**
 * A `find()` result that stays current, fit for React's `useSyncExternalStore`. It subscribes at
 * once; the bridge sends the first snapshot and then ordered diffs, applied with structural
 * sharing (unchanged documents keep their identity). Whenever the bridge may no longer hold it —
 * the connection dropped or left a closing node, an update was missed, its queue overflowed — it
 * takes a fresh snapshot, keeping the old documents visible with status 'reconnecting' meanwhile:
 * it is never 'live' while known to be behind. Prefer `collection.liveQuery(filter, options)`.
 *
 * @example
 * const query = live.db('shop').collection('products').liveQuery({ category: 'books' }, { sort: { price: 1 } });
 * const off = query.subscribe(() => render(query.getSnapshot().docs));
 * await query.ready(); // the first snapshot
 * query.close();
 */
export class LiveQuery<T = Document> extends Subscribable {
  private list: DocList<WithId<T>>;
  private state: LiveQueryState<T>;
  private version = 0;
  private readonly subscription: RemoteSubscription<LiveQueryAccepted, LiveQueryUpdate>;
  private readonly firstSnapshot: Promise<WithId<T>[]>;
  private settleFirst!: { resolve(docs: WithId<T>[]): void; reject(error: LiveError): void };

  /**
   * @param spec The query in wire form (see `toQuerySpec` of @mongo-live/protocol).
   *
   * @example
   * const query = new LiveQuery(live.transport, toQuerySpec('shop', 'products', { category: 'books' }));
   */
  constructor(
    transport: LiveTransport,
    readonly spec: QuerySpec,
    options: LiveQueryOptions<T> = {},
  ) {
    super();
    this.getSnapshot = this.getSnapshot.bind(this);
    this.list = options.initialDocs ? listOf(options.initialDocs) : EMPTY_LIST;
    this.state = { docs: this.list.docs as WithId<T>[], status: 'loading' };
    this.firstSnapshot = new Promise((resolve, reject) => {
      this.settleFirst = { resolve, reject };
    });
    this.firstSnapshot.catch(() => undefined); // ready() callers see the rejection; nobody else must
    const kind: SubscriptionKind<LiveQueryAccepted, LiveQueryUpdate> = {
      listen: (t, routes) => this.listen(t, routes),
      // A fresh snapshot each time: versions belong to one shared query on one bridge node.
      request: (t, subId) => t.request('query', { ...this.spec, subId }),
      channel: (ack) => ack.queryId,
      accepted: (ack, early) => this.accepted(ack, early),
      received: (update) => this.received(update),
    };
    this.subscription = new RemoteSubscription(transport, kind, {
      phase: (phase) => this.phaseChanged(phase),
      failed: (error) => this.failed(error),
    });
    this.subscription.start();
  }

  /** The current state; the same object until something changes. */
  getSnapshot(): LiveQueryState<T> {
    return this.state;
  }

  /** Resolves with the first snapshot; rejects with the LiveError the query failed with, or `CLOSED`. */
  ready(): Promise<WithId<T>[]> {
    return this.firstSnapshot;
  }

  /** Ends the live query and tells the bridge; listeners are removed. */
  close(): void {
    if (this.state.status === 'closed') return;
    void this.subscription.close();
    this.settleFirst.reject(new LiveError('CLOSED', 'the live query was closed'));
    this.setState({ docs: this.state.docs, status: 'closed' }); // also after an error
    this.listeners.clear();
  }

  private listen(transport: LiveTransport, routes: SubscriptionRoutes<LiveQueryUpdate>): Array<() => void> {
    return [
      transport.on('query:update', (update) => routes.data(update.queryId, update)),
      transport.on('query:error', (message) => routes.error(message.queryId, message.error)),
    ];
  }

  private accepted(ack: LiveQueryAccepted, early: LiveQueryUpdate[]): void {
    this.version = ack.version;
    this.list = reconcile(this.list, ack.docs);
    // Updates that came before the ack: older versions are in the snapshot already.
    for (const update of early) this.received(update);
    // Published with the phase that follows ('live'), in one change.
  }

  private received(update: LiveQueryUpdate): void {
    if (update.version <= this.version) return;
    if (update.version !== this.version + 1) {
      // Missed an update: start over with a fresh snapshot (documents stay visible).
      this.subscription.resubscribe();
      return;
    }
    this.version = update.version;
    this.list = applyDiffs(this.list, update.diffs);
    const phase = this.subscription.phase;
    if (phase === 'open' || phase === 'stale') this.publish(this.state.status);
  }

  private phaseChanged(phase: SubscriptionPhase): void {
    if (phase === 'error') return; // failed() publishes it with the error
    this.publish(STATUS_OF[phase]);
    if (phase === 'open' || phase === 'stale') this.settleFirst.resolve(this.list.docs as WithId<T>[]);
  }

  private failed(error: LiveError): void {
    this.settleFirst.reject(error);
    this.setState({ docs: this.state.docs, status: 'error', error });
  }

  private publish(status: LiveQueryStatus): void {
    this.setState({ docs: this.list.docs as WithId<T>[], status });
  }

  private setState(next: LiveQueryState<T>): void {
    if (next.docs === this.state.docs && next.status === this.state.status && next.error === this.state.error) return;
    this.state = next;
    this.notify();
  }
}
