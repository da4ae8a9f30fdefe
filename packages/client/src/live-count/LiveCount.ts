import type { LiveCountAccepted, LiveCountUpdate } from '@mongo-live/protocol';
import { LiveError } from '../LiveError.js';
import type { LiveQueryStatus } from '../live-query/LiveQuery.js';
import { Subscribable } from '../Subscribable.js';
import { RemoteSubscription, type SubscriptionPhase } from '../subscription/RemoteSubscription.js';
import type { LiveTransport } from '../transport/LiveTransport.js';

/**
 * State of a live count, read through `getSnapshot()`: a new object whenever something changes.
 * `count` is 0 while 'loading'; while 'stale' or 'reconnecting' it is the last known count.
 *
 * @example
 * const { count, status } = orders.liveCount({ status: 'open' }).getSnapshot();
 */
export interface LiveCountState {
  count: number;
  status: LiveQueryStatus;
  error?: LiveError;
}

/** What the wire needs of a count: where and which documents (EJSON filter). */
export interface CountSpec {
  db: string;
  collection: string;
  filter?: Record<string, unknown>;
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
 * The number of documents matching a filter (and the caller's row filter on the bridge), kept
 * exact by change events: a write costs the bridge O(1), never a `countDocuments`. Updates carry
 * the count itself, not a delta, so a count can neither go negative nor double across a
 * reconnect: each (re)subscription starts from the bridge's fresh count. Prefer
 * `collection.liveCount(filter)`.
 *
 * @example
 * const open = live.db('shop').collection('orders').liveCount({ status: 'open' });
 * const off = open.subscribe(() => (badge.textContent = String(open.getSnapshot().count)));
 * console.log(await open.ready()); // the first count
 * open.close();
 */
export class LiveCount extends Subscribable {
  private state: LiveCountState = { count: 0, status: 'loading' };
  private version = 0;
  private readonly subscription: RemoteSubscription<LiveCountAccepted, LiveCountUpdate>;
  private readonly first: Promise<number>;
  private settleFirst!: { resolve(count: number): void; reject(error: LiveError): void };
  /** The bridge's latest count (published with the phase: never 'live' before it is current). */
  private count = 0;

  constructor(
    transport: LiveTransport,
    readonly spec: CountSpec,
  ) {
    super();
    this.getSnapshot = this.getSnapshot.bind(this);
    this.first = new Promise((resolve, reject) => {
      this.settleFirst = { resolve, reject };
    });
    this.first.catch(() => undefined);
    this.subscription = new RemoteSubscription<LiveCountAccepted, LiveCountUpdate>(
      transport,
      {
        listen: (t, routes) => [
          t.on('count:update', (update) => routes.data(update.countId, update)),
          t.on('query:error', (message) => routes.error(message.queryId, message.error)),
        ],
        request: (t, subId) => t.request('count', { ...this.spec, subId }),
        channel: (ack) => ack.countId,
        accepted: (ack, early) => {
          this.version = ack.version;
          this.count = ack.count;
          for (const update of early) this.received(update);
          // Published with the phase that follows ('live'), in one change.
        },
        received: (update) => this.received(update),
      },
      {
        phase: (phase) => {
          if (phase === 'error') return;
          this.set(STATUS_OF[phase]);
          if (phase === 'open' || phase === 'stale') this.settleFirst.resolve(this.count);
        },
        failed: (error) => {
          this.settleFirst.reject(error);
          this.state = { count: this.state.count, status: 'error', error };
          this.notify();
        },
      },
    );
    this.subscription.start();
  }

  /** The current state; the same object until something changes. */
  getSnapshot(): LiveCountState {
    return this.state;
  }

  /** Resolves with the first count; rejects with the LiveError the count failed with, or `CLOSED`. */
  ready(): Promise<number> {
    return this.first;
  }

  /** Ends the live count and tells the bridge; listeners are removed. */
  close(): void {
    if (this.state.status === 'closed') return;
    void this.subscription.close();
    this.settleFirst.reject(new LiveError('CLOSED', 'the live count was closed'));
    this.state = { count: this.state.count, status: 'closed' };
    this.notify();
    this.listeners.clear();
  }

  private received(update: LiveCountUpdate): void {
    // Absolute counts: a skipped version loses nothing, an old one is ignored.
    if (update.version <= this.version) return;
    if (typeof update.count !== 'number' || update.count < 0) throw new Error('invalid count');
    this.version = update.version;
    this.count = update.count;
    const phase = this.subscription.phase;
    if (phase === 'open' || phase === 'stale') this.set(this.state.status);
  }

  private set(status: LiveQueryStatus): void {
    const { count } = this;
    if (count === this.state.count && status === this.state.status && this.state.error === undefined) return;
    this.state = { count, status };
    this.notify();
  }
}
