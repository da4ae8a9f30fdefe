import type { SubscriptionErrorMessage, WireError } from '@mongo-live/protocol';
import { LiveError } from '../LiveError.js';
import { type ConnectionStatus, isConnectionUp, type LiveTransport } from '../transport/LiveTransport.js';

/**
 * Where a remote subscription is: 'connecting' until the bridge first accepts it, 'open', then
 * 'reconnecting' whenever the bridge no longer holds it (connection lost, a closing node left,
 * a gap or an overflow) until a new request is accepted, and finally 'closed' or 'error'.
 * 'stale': open, but the connection stopped answering (ConnectionStatus 'stale'); the bridge still
 * holds it, so it returns to 'open' with nothing missed, or goes 'reconnecting'.
 */
export type SubscriptionPhase = 'connecting' | 'open' | 'stale' | 'reconnecting' | 'closed' | 'error';

/** Where a kind routes the server messages it listens to: by the channel id the ack named. */
export interface SubscriptionRoutes<D> {
  data(channel: string, data: D): void;
  /** The channel failed for good (`stream:error`, `query:error`). */
  error(channel: string, error: WireError): void;
}

/**
 * What one kind of subscription plugs into {@link RemoteSubscription}: change streams
 * (`watch` → `change` batches by `streamId`) and live queries (`query` → `query:update` by
 * `queryId`); live counts and pages are further kinds of the same shape.
 */
export interface SubscriptionKind<A extends { subId: string }, D> {
  /** Listens to this kind's server messages; returns the functions that stop listening. */
  listen(transport: LiveTransport, routes: SubscriptionRoutes<D>): Array<() => void>;
  /** Sends the (re)subscribe request, with the kind's own resume point (a token, nothing for a re-snapshot). */
  request(transport: LiveTransport, subId: string): Promise<A>;
  /** The channel the ack names (messages of other channels are not for this subscription). */
  channel(ack: A): string;
  /** The bridge accepted; `early` are the channel's data messages that arrived before the ack, in order. */
  accepted(ack: A, early: D[]): void;
  /** A data message of the accepted channel. */
  received(data: D): void;
}

/** Who hears how a {@link RemoteSubscription} is doing (the public object built on it). */
export interface SubscriptionOwner {
  phase(phase: SubscriptionPhase): void;
  /** The subscription ended for good; it has stopped itself. */
  failed(error: LiveError): void;
}

type EarlyMessage<D> =
  | { channel: string; data: D }
  | { channel: string; error: WireError }
  /** A `sub:error` naming the subscription in flight. */
  | { channel?: undefined; subError: WireError };

interface InFlight<A, D> {
  epoch: number;
  subId: string;
  /** Channel messages that arrived before the ack: they may concern the channel being joined. */
  early: EarlyMessage<D>[];
  /** The ack, or undefined if the request failed. */
  ack: Promise<A | undefined>;
}

const LOST: ReadonlySet<ConnectionStatus> = new Set(['connecting', 'reconnecting', 'disconnected']);

/**
 * The one lifecycle of every remote subscription of the client: sends the request (queued by the
 * transport until connected), buffers the channel's messages that arrive before the ack and
 * hands them over with it, routes later ones, subscribes again when the connection comes back
 * (the bridge forgets the subscriptions of a lost socket; a node that is `closing` is left by the
 * transport), on `LIMIT_EXCEEDED` or when the kind asks, ignores and releases stale acks, and
 * unsubscribes on close. What to resume from, and how to apply data, belongs to the kind.
 *
 * @example
 * const sub = new RemoteSubscription(transport, cursor, { phase: (p) => console.log(p), failed: console.error });
 * sub.start();
 * await sub.close();
 */
export class RemoteSubscription<A extends { subId: string }, D> {
  /** Bumped on every (re)subscribe and connection loss; acks of older epochs are stale. */
  private epoch = 0;
  private inFlight: InFlight<A, D> | undefined;
  private active: { subId: string; channel: string } | undefined;
  private current: SubscriptionPhase = 'connecting';
  private wasOpen = false;
  private stopped = false;
  private offs: Array<() => void> = [];

  constructor(
    private readonly transport: LiveTransport,
    private readonly kind: SubscriptionKind<A, D>,
    private readonly owner: SubscriptionOwner,
  ) {}

  get phase(): SubscriptionPhase {
    return this.current;
  }

  /** Starts listening and sends the first request. */
  start(): void {
    if (this.stopped || this.offs.length > 0) return;
    this.offs = [
      ...this.kind.listen(this.transport, { data: this.routeData, error: this.routeError }),
      this.transport.on('sub:error', this.handleSubError),
      this.transport.onStatus(this.handleStatus),
    ];
    this.subscribe();
  }

  /**
   * Drops the current subscription and asks again (the kind missed something: a version gap).
   * The phase is 'reconnecting' until the new request is accepted: never 'open' while known behind.
   * `release: false` when the bridge already ended it.
   */
  resubscribe(release = true): void {
    if (this.stopped) return;
    const subId = this.active?.subId;
    this.forget();
    if (release && subId !== undefined) void this.unsubscribe(subId);
    this.setPhase(this.wasOpen ? 'reconnecting' : 'connecting');
    this.subscribe();
  }

  /** Ends the subscription with `error` (e.g. the kind could not decode a message). */
  fail(error: LiveError): void {
    if (this.stopped) return;
    this.stop('error');
    this.owner.failed(error);
  }

  /** Stops for good and tells the bridge (best effort, only when connected). */
  async close(): Promise<void> {
    if (this.stopped) return;
    const subId = this.active?.subId;
    const pending = this.inFlight?.ack;
    this.stop('closed');
    if (subId !== undefined) await this.unsubscribe(subId);
    else if (pending) {
      // Closed before the bridge answered: once it does, end what it opened, so that after
      // close() resolves the bridge holds nothing for this subscription.
      const ack = await pending;
      if (ack) await this.unsubscribe(ack.subId);
    }
  }

  private stop(phase: SubscriptionPhase): void {
    this.stopped = true;
    this.forget();
    for (const off of this.offs) off();
    this.offs = [];
    this.setPhase(phase);
  }

  /** The bridge no longer holds (or will not hold) what we asked for: acks in flight become stale. */
  private forget(): void {
    this.epoch++;
    this.inFlight = undefined;
    this.active = undefined;
  }

  private subscribe(): void {
    const epoch = ++this.epoch;
    const subId = this.transport.newSubId();
    this.active = undefined;
    const request = this.kind.request(this.transport, subId);
    this.inFlight = {
      epoch,
      subId,
      early: [],
      ack: request.then(
        (ack) => ack,
        () => undefined,
      ),
    };
    request.then(
      (ack) => this.accepted(epoch, ack),
      (error: unknown) => this.rejected(epoch, error),
    );
  }

  private accepted(epoch: number, ack: A): void {
    if (epoch !== this.epoch) {
      // Stale. After close() (the usual case), close() itself unsubscribes it; otherwise free it here.
      if (!this.stopped) void this.unsubscribe(ack.subId);
      return;
    }
    const early = this.inFlight?.early ?? [];
    this.inFlight = undefined;
    const channel = this.kind.channel(ack);
    this.active = { subId: ack.subId, channel };
    // The messages that came before the ack, in arrival order: the channel's data up to an end
    // (its error, or a sub:error for this subscription), applied once that data is handed over.
    const data: D[] = [];
    let end: EarlyMessage<D> | undefined;
    for (const message of early) {
      if ('subError' in message || (message.channel === channel && 'error' in message)) {
        end = message;
        break;
      }
      if (message.channel === channel && 'data' in message) data.push(message.data);
    }
    this.wasOpen = true;
    if (!this.guard(() => this.kind.accepted(ack, data)) || epoch !== this.epoch) return;
    if (end && 'subError' in end) this.subscriptionEnded(end.subError);
    else if (end && 'error' in end) this.fail(LiveError.fromWire(end.error));
    else this.setPhase(this.transport.status === 'stale' ? 'stale' : 'open');
  }

  private rejected(epoch: number, error: unknown): void {
    if (epoch !== this.epoch) return;
    this.inFlight = undefined;
    const live = error instanceof LiveError ? error : new LiveError('SERVER_ERROR', String(error));
    if (live.code === 'DISCONNECTED') {
      // The status listener subscribes again when the connection is back.
      if (isConnectionUp(this.transport.status)) this.subscribe();
      return;
    }
    this.fail(live);
  }

  /** Runs a kind's handler; a message it cannot apply ends the subscription loudly instead of throwing into socket.io. */
  private guard(apply: () => void): boolean {
    try {
      apply();
      return !this.stopped;
    } catch (error) {
      this.fail(new LiveError('SERVER_ERROR', `malformed message: ${(error as Error)?.message ?? error}`));
      return false;
    }
  }

  private setPhase(phase: SubscriptionPhase): void {
    if (phase === this.current) return;
    this.current = phase;
    this.owner.phase(phase);
  }

  private async unsubscribe(subId: string): Promise<void> {
    if (!isConnectionUp(this.transport.status)) return; // the server forgets subscriptions of a lost socket
    await this.transport.request('unsubscribe', { subId }).catch(() => undefined);
  }

  private readonly routeData = (channel: string, data: D) => {
    if (this.stopped) return;
    if (this.active?.channel === channel) this.guard(() => this.kind.received(data));
    else if (this.inFlight) this.inFlight.early.push({ channel, data });
  };

  private readonly routeError = (channel: string, error: WireError) => {
    if (this.stopped) return;
    if (this.active?.channel === channel) this.fail(LiveError.fromWire(error));
    else if (this.inFlight) this.inFlight.early.push({ channel, error });
  };

  private readonly handleSubError = (message: SubscriptionErrorMessage) => {
    if (this.stopped) return;
    // Before the ack, it comes after data of the same request that must be applied first.
    if (this.inFlight && message.subId === this.inFlight.subId) this.inFlight.early.push({ subError: message.error });
    else if (message.subId === this.active?.subId) this.subscriptionEnded(message.error);
  };

  /** The bridge ended this subscription by itself. */
  private subscriptionEnded(error: WireError): void {
    // A slow consumer overflowed its queue on the bridge: nothing is lost if we ask again from our position.
    if (error.code === 'LIMIT_EXCEEDED') this.resubscribe(false);
    else this.fail(LiveError.fromWire(error));
  }

  private readonly handleStatus = (status: ConnectionStatus) => {
    if (this.stopped) return;
    // Stale is not a loss: the bridge still holds the subscription; only say the data may lag.
    if (status === 'stale') {
      if (this.current === 'open') this.setPhase('stale');
      return;
    }
    if (status === 'connected') {
      if (this.current === 'stale') this.setPhase('open');
      if (this.active === undefined && this.inFlight === undefined) this.subscribe();
      return;
    }
    if (!LOST.has(status)) return;
    // The server dropped every subscription of the lost socket; forget ours and wait.
    this.forget();
    this.setPhase(this.wasOpen ? 'reconnecting' : 'connecting');
  };
}
