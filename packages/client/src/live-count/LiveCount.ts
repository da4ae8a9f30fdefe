import type { LiveCountAccepted, LiveCountRequest, LiveCountUpdate } from '@mongo-live/protocol';
import { type LiveQueryStatus, LiveResult, type LiveResultState } from '../subscription/LiveResult.js';
import type { LiveTransport } from '../transport/LiveTransport.js';

/**
 * State of a live count, read through `getSnapshot()`: a new object whenever something changes.
 * `count` is 0 while 'loading'; while 'stale' or 'reconnecting' it is the last known count.
 *
 * @example
 * const { count, status } = orders.liveCount({ status: 'open' }).getSnapshot();
 */
export interface LiveCountState extends LiveResultState {
  count: number;
}

/**
 * What the wire needs of a count: where and which documents (EJSON filter). The protocol's
 * `count` request without what the transport and the subscription add (`v`, `subId`).
 *
 * @example
 * const spec: CountSpec = { db: 'shop', collection: 'orders', filter: { status: 'open' } };
 */
export type CountSpec = Omit<LiveCountRequest, 'v' | 'subId'>;

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
export class LiveCount extends LiveResult<LiveCountState, number, LiveCountAccepted, LiveCountUpdate> {
  private version = 0;
  /** The bridge's latest count (published with the phase: never 'live' before it is current). */
  private count = 0;

  constructor(
    transport: LiveTransport,
    readonly spec: CountSpec,
  ) {
    super({ count: 0, status: 'loading' }, 'live count');
    this.open(transport, {
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
    });
  }

  private received(update: LiveCountUpdate): void {
    // Absolute counts: a skipped version loses nothing, an old one is ignored.
    if (update.version <= this.version) return;
    if (typeof update.count !== 'number' || update.count < 0) throw new Error('invalid count');
    this.version = update.version;
    this.count = update.count;
    this.updated();
  }

  protected publish(status: LiveQueryStatus): void {
    this.setState({ count: this.count, status });
  }

  protected value(): number {
    return this.count;
  }

  protected sameData(a: LiveCountState, b: LiveCountState): boolean {
    return a.count === b.count;
  }
}
