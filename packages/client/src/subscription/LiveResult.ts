import { LiveError } from '../LiveError.js';
import { Subscribable } from '../Subscribable.js';
import type { LiveTransport } from '../transport/LiveTransport.js';
import { RemoteSubscription, type SubscriptionKind, type SubscriptionPhase } from './RemoteSubscription.js';

/**
 * Status of a live query (and of a live count or live pages): 'loading' until its first
 * snapshot, 'live' while it is known to be current, 'reconnecting' while it is not (connection
 * lost, left a closing bridge node, a missed update) until a fresh snapshot arrives, then 'error'
 * or 'closed'. 'stale': subscribed, but the connection stopped answering (ConnectionStatus
 * 'stale'); back to 'live' with nothing missed.
 *
 * @example
 * const badge: Record<LiveQueryStatus, string> = { loading: '…', live: '●', stale: '◌', reconnecting: '○', error: '!', closed: '' };
 */
export type LiveQueryStatus = 'loading' | 'live' | 'stale' | 'reconnecting' | 'error' | 'closed';

/** What every live result's state has beside its data. */
export interface LiveResultState {
  status: LiveQueryStatus;
  error?: LiveError;
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
 * The part that live queries, live counts and live pages share: a state read through
 * `getSnapshot()` (fit for React's `useSyncExternalStore`), `ready()` for the first data, `close()`,
 * and the mapping of the {@link RemoteSubscription}'s phase to a status. A kind keeps its data
 * (documents, a count, pages) in its own fields, applies acks and updates to them, and publishes
 * them with a status in `publish`: never 'live' before the data is current. Internal.
 *
 * @example
 * class LiveFlag extends LiveResult<{ on: boolean } & LiveResultState, boolean, FlagAck, FlagUpdate> {
 *   constructor(transport: LiveTransport) {
 *     super({ on: false, status: 'loading' }, 'live flag');
 *     this.open(transport, flagKind);
 *   }
 * }
 */
export abstract class LiveResult<S extends LiveResultState, V, A extends { subId: string }, D> extends Subscribable {
  protected state: S;
  protected subscription!: RemoteSubscription<A, D>;
  private readonly first: Promise<V>;
  private settleFirst!: { resolve(value: V): void; reject(error: LiveError): void };

  /** @param noun What it is called in the `CLOSED` error ("live query"). */
  protected constructor(
    initial: S,
    private readonly noun: string,
  ) {
    super();
    this.getSnapshot = this.getSnapshot.bind(this);
    this.state = initial;
    this.first = new Promise((resolve, reject) => {
      this.settleFirst = { resolve, reject };
    });
    this.first.catch(() => undefined); // ready() callers see the rejection; nobody else must
  }

  /** The current state; the same object until something changes. */
  getSnapshot(): S {
    return this.state;
  }

  /** Resolves with the first data; rejects with the LiveError it failed with, or `CLOSED`. */
  ready(): Promise<V> {
    return this.first;
  }

  /** Ends it and tells the bridge; listeners are removed. */
  close(): void {
    if (this.state.status === 'closed') return;
    void this.subscription.close();
    this.settleFirst.reject(new LiveError('CLOSED', `the ${this.noun} was closed`));
    this.setState({ ...this.state, status: 'closed', error: undefined }); // also after an error
    this.listeners.clear();
  }

  /** Subscribes with `kind` (called last in the subclass's constructor: the request reads its fields). */
  protected open(transport: LiveTransport, kind: SubscriptionKind<A, D>): void {
    this.subscription = new RemoteSubscription(transport, kind, {
      phase: (phase) => {
        if (phase === 'error') return; // failed() publishes it with the error
        this.publish(STATUS_OF[phase]);
        if (phase === 'open' || phase === 'stale') this.settleFirst.resolve(this.value());
      },
      failed: (error) => {
        this.settleFirst.reject(error);
        this.setState({ ...this.state, status: 'error', error });
      },
    });
    this.subscription.start();
  }

  /** Publishes the data after an update, if the subscription is current (otherwise its next phase will). */
  protected updated(): void {
    const { phase } = this.subscription;
    if (phase === 'open' || phase === 'stale') this.publish(this.state.status);
  }

  /** Publishes the kind's current data with `status` (through {@link setState}). */
  protected abstract publish(status: LiveQueryStatus): void;

  /** What `ready()` resolves with: the current data. */
  protected abstract value(): V;

  /** Replaces the state and notifies, unless `next` holds the same data, status and error. */
  protected setState(next: S): void {
    if (next.status === this.state.status && next.error === this.state.error && this.sameData(next, this.state)) return;
    this.state = next;
    this.notify();
  }

  /** True when two states show the same data (compared by identity). */
  protected abstract sameData(a: S, b: S): boolean;
}
