import type { LiveQueryAccepted, LiveQueryUpdate, QuerySpec } from '@mongo-live/protocol';
import type { Document, WithId } from 'mongodb';
import { type LiveQueryStatus, LiveResult, type LiveResultState } from '../subscription/LiveResult.js';
import type { SubscriptionRoutes } from '../subscription/RemoteSubscription.js';
import type { LiveTransport } from '../transport/LiveTransport.js';
import { applyDiffs, type DocList, EMPTY_LIST, listOf, reconcile } from './DocList.js';

/**
 * State of a live query, read through `getSnapshot()`: a new object whenever something changes,
 * the same object otherwise.
 *
 * @example
 * const { docs, status, error } = query.getSnapshot();
 */
export interface LiveQueryState<T> extends LiveResultState {
  docs: WithId<T>[];
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
export class LiveQuery<T = Document> extends LiveResult<
  LiveQueryState<T>,
  WithId<T>[],
  LiveQueryAccepted,
  LiveQueryUpdate
> {
  private list: DocList<WithId<T>>;
  private version = 0;

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
    const list = options.initialDocs ? listOf(options.initialDocs) : EMPTY_LIST;
    super({ docs: list.docs as WithId<T>[], status: 'loading' }, 'live query');
    this.list = list;
    this.open(transport, {
      listen: (t, routes) => this.listen(t, routes),
      // A fresh snapshot each time: versions belong to one shared query on one bridge node.
      request: (t, subId) => t.request('query', { ...this.spec, subId }),
      channel: (ack) => ack.queryId,
      accepted: (ack, early) => this.accepted(ack, early),
      received: (update) => this.received(update),
    });
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
    this.updated();
  }

  protected publish(status: LiveQueryStatus): void {
    this.setState({ docs: this.list.docs as WithId<T>[], status });
  }

  protected value(): WithId<T>[] {
    return this.list.docs as WithId<T>[];
  }

  protected sameData(a: LiveQueryState<T>, b: LiveQueryState<T>): boolean {
    return a.docs === b.docs;
  }
}
