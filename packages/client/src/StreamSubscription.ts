import type {
  ChangeBatch,
  ClosingMessage,
  EJSONDocument,
  StreamErrorMessage,
  SubscriptionErrorMessage,
  WatchAccepted,
  WatchTarget,
  WireWatchOptions,
} from '@mongo-live/protocol';
import type { Document, ResumeToken } from 'mongodb';
import { decodeValue } from './decodeValue.js';
import { LiveError } from './LiveError.js';
import { type ConnectionStatus, isConnectionUp, type LiveTransport } from './LiveTransport.js';
import { resumeFrom } from './watchOptions.js';

/**
 * Where a change stream is in its life. `'stale'`: open, but the connection has stopped answering
 * (see ConnectionStatus); it turns back to `'open'` with nothing missed, or to `'reconnecting'`.
 *
 * @example
 * if (stream.status === 'reconnecting') showBanner('offline, catching up soon');
 */
export type StreamStatus = 'connecting' | 'open' | 'stale' | 'reconnecting' | 'closed' | 'error';

/**
 * What a {@link StreamSubscription} reports to its change stream.
 *
 * @example
 * const sink: SubscriptionSink = { events: (e) => buffer.push(...e), position() {}, status() {}, fail: (e) => console.error(e) };
 */
export interface SubscriptionSink {
  /** New events, in order, each delivered once; `position` has already advanced past them. */
  events(events: Document[]): void;
  /** The position advanced without events (ack token, postBatchResumeToken). */
  position(): void;
  status(status: StreamStatus): void;
  /** The stream ended for good; the subscription has stopped itself. */
  fail(error: LiveError): void;
}

type EarlyMessage =
  | { kind: 'change'; batch: ChangeBatch }
  | { kind: 'stream:error'; message: StreamErrorMessage }
  | { kind: 'sub:error'; message: SubscriptionErrorMessage };

/** How many event tokens are remembered to drop events delivered twice across a re-subscribe. */
const SEEN_LIMIT = 10_000;

/**
 * The server side of one ChangeStream: sends `watch`, routes the batches of its stream,
 * re-subscribes with `resumeAfter` the last position after a reconnect or a `LIMIT_EXCEEDED`
 * from the bridge, drops events already delivered (by token), and turns stream errors into one
 * `fail`. Internal to the client; ChangeStream is the public face.
 *
 * @example
 * const sub = new StreamSubscription(transport, { db: 'shop' }, undefined, {}, sink);
 * sub.start(); // ... later
 * await sub.close();
 */
export class StreamSubscription {
  private readonly transport: LiveTransport;
  private readonly target: WatchTarget;
  private readonly pipeline: EJSONDocument[] | undefined;
  private readonly options: WireWatchOptions;
  private readonly sink: SubscriptionSink;
  /** Bumped on every (re-)subscribe and connection loss; acks of older epochs are stale. */
  private epoch = 0;
  private subscribing: number | null = null;
  private subId: string | null = null;
  private streamId: string | null = null;
  /** Stream messages that arrived while a `watch` was in flight: they may concern the stream being joined. */
  private early: EarlyMessage[] = [];
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  private readonly initialPosition: EJSONDocument | undefined;
  private wirePosition: EJSONDocument | undefined;
  private decodedPosition: ResumeToken | null;
  private state: StreamStatus = 'connecting';
  private wasOpen = false;
  private stopped = false;
  private offs: Array<() => void> = [];
  /** The ack of the `watch` in flight, or undefined if it failed. */
  private pendingAck: Promise<WatchAccepted | undefined> | undefined;

  constructor(
    transport: LiveTransport,
    target: WatchTarget,
    pipeline: EJSONDocument[] | undefined,
    options: WireWatchOptions,
    sink: SubscriptionSink,
  ) {
    this.transport = transport;
    this.target = target;
    this.pipeline = pipeline;
    this.options = options;
    this.sink = sink;
    this.initialPosition = options.startAfter ?? options.resumeAfter;
    this.wirePosition = this.initialPosition;
    this.decodedPosition = this.wirePosition ? decodeValue<ResumeToken>(this.wirePosition) : null;
  }

  /** Token after everything received so far (what a re-subscribe resumes after). */
  get position(): ResumeToken | null {
    return this.decodedPosition;
  }

  get status(): StreamStatus {
    return this.state;
  }

  /** Starts listening and sends the first `watch` (queued by the transport until connected). */
  start(): void {
    const t = this.transport;
    this.offs = [
      t.on('change', this.handleBatch),
      t.on('stream:error', this.handleStreamError),
      t.on('sub:error', this.handleSubError),
      t.on('closing', this.handleClosing),
      t.onStatus(this.handleStatus),
    ];
    this.subscribe();
  }

  /** Stops for good and tells the bridge (best effort, only when connected). */
  async close(): Promise<void> {
    if (this.stopped) return;
    const subId = this.subId;
    const pending = this.subscribing !== null ? this.pendingAck : undefined;
    this.stop('closed');
    if (subId !== null) await this.unsubscribe(subId);
    else if (pending) {
      // Closed before the bridge answered: once it does, end what it opened, so that after
      // close() resolves the bridge holds nothing for this stream.
      const ack = await pending;
      if (ack) await this.unsubscribe(ack.subId);
    }
  }

  private stop(state: StreamStatus): void {
    this.stopped = true;
    this.epoch++;
    this.subscribing = null;
    this.subId = null;
    this.streamId = null;
    this.early = [];
    for (const off of this.offs) off();
    this.offs = [];
    this.setState(state);
  }

  private fail(error: LiveError): void {
    if (this.stopped) return;
    this.stop('error');
    this.sink.fail(error);
  }

  private subscribe(): void {
    const epoch = ++this.epoch;
    this.subscribing = epoch;
    this.subId = null;
    this.streamId = null;
    this.early = [];
    const resume = this.wirePosition !== undefined && this.wirePosition !== this.initialPosition;
    const request = this.transport.request('watch', {
      subId: this.transport.newSubId(),
      target: this.target,
      ...(this.pipeline ? { pipeline: this.pipeline } : {}),
      options: resume ? resumeFrom(this.options, this.wirePosition as EJSONDocument) : this.options,
    });
    this.pendingAck = request.then(
      (ack) => ack,
      () => undefined,
    );
    request.then(
      (ack) => this.accepted(epoch, ack),
      (error: unknown) => this.rejected(epoch, error),
    );
  }

  private accepted(epoch: number, ack: WatchAccepted): void {
    if (epoch !== this.epoch) {
      // Stale. After close() (the usual case), close() itself unsubscribes it; otherwise free it here.
      if (!this.stopped) void this.unsubscribe(ack.subId);
      return;
    }
    this.subscribing = null;
    this.subId = ack.subId;
    this.streamId = ack.streamId;
    const early = this.early;
    this.early = [];
    let moved = false;
    if (ack.resumeToken && this.wirePosition === undefined) {
      this.setPosition(ack.resumeToken);
      moved = true;
    }
    if (moved) this.sink.position(); // before 'open': whoever sees the stream open sees its token
    this.wasOpen = true;
    this.setState(this.transport.status === 'stale' ? 'stale' : 'open');
    // Replay what arrived meanwhile, in arrival order (the ack's promise settles a microtask after
    // socket.io delivered it, so later messages of the same packet may already be here).
    const ours = early.flatMap((m) => (m.kind === 'change' && m.batch.streamId === ack.streamId ? [m.batch] : []));
    const join = this.joinPoint(ours, ack.resumeToken);
    let index = 0;
    for (const message of early) {
      if (this.stopped || this.streamId !== ack.streamId) break;
      if (message.kind === 'stream:error') this.handleStreamError(message.message);
      else if (message.kind === 'sub:error') this.handleSubError(message.message);
      else if (message.batch.streamId === ack.streamId) {
        const i = index++;
        if (i > join.index) this.acceptSafely(message.batch);
        else if (i === join.index && join.rest) this.acceptSafely(join.rest);
      }
    }
  }

  /**
   * Where the ack's token lies among the batches received before the ack: batches up to
   * `index` precede the join and are dropped, except `rest` (the events of batch `index` after
   * the token). When the token is not among them, all are kept: the seen-token filter drops repeats.
   */
  private joinPoint(
    batches: ChangeBatch[],
    joinToken: EJSONDocument | undefined,
  ): { index: number; rest?: ChangeBatch } {
    if (!joinToken) return { index: -1 };
    const key = JSON.stringify(joinToken);
    for (let b = batches.length - 1; b >= 0; b--) {
      const batch = batches[b] as ChangeBatch;
      if (batch.postBatchResumeToken && JSON.stringify(batch.postBatchResumeToken) === key) return { index: b };
      const i = batch.events.findIndex((e) => JSON.stringify(e._id) === key);
      if (i >= 0) return { index: b, rest: { ...batch, events: batch.events.slice(i + 1) } };
    }
    return { index: -1 };
  }

  private rejected(epoch: number, error: unknown): void {
    if (epoch !== this.epoch) return;
    this.subscribing = null;
    const live = error instanceof LiveError ? error : new LiveError('SERVER_ERROR', String(error));
    if (live.code === 'DISCONNECTED') {
      // The status listener re-subscribes when the connection is back.
      if (isConnectionUp(this.transport.status)) this.subscribe();
      return;
    }
    this.fail(live);
  }

  /** A batch that cannot be decoded ends the stream loudly instead of throwing into socket.io. */
  private acceptSafely(batch: ChangeBatch): void {
    try {
      this.accept(batch);
    } catch (error) {
      this.fail(new LiveError('SERVER_ERROR', `malformed change batch: ${(error as Error)?.message ?? error}`));
    }
  }

  private accept(batch: ChangeBatch): void {
    const fresh: Document[] = [];
    let lastFresh: EJSONDocument | undefined;
    for (const raw of batch.events) {
      const key = JSON.stringify(raw._id);
      if (this.seen.has(key)) continue;
      this.remember(key);
      lastFresh = raw._id as EJSONDocument;
      fresh.push(decodeValue<Document>(raw));
    }
    // A batch of repeats must not move the position back; an empty batch is a pure advance.
    const advance = fresh.length > 0 || batch.events.length === 0;
    const next = advance ? (batch.postBatchResumeToken ?? lastFresh) : undefined;
    const moved = next !== undefined && JSON.stringify(next) !== JSON.stringify(this.wirePosition);
    if (next !== undefined && moved) this.setPosition(next);
    if (fresh.length > 0) this.sink.events(fresh);
    else if (moved) this.sink.position();
  }

  private remember(key: string): void {
    this.seen.add(key);
    this.seenOrder.push(key);
    if (this.seenOrder.length > SEEN_LIMIT) this.seen.delete(this.seenOrder.shift() as string);
  }

  private setPosition(token: EJSONDocument): void {
    this.wirePosition = token;
    this.decodedPosition = decodeValue<ResumeToken>(token);
  }

  private setState(state: StreamStatus): void {
    if (state === this.state) return;
    this.state = state;
    this.sink.status(state);
  }

  private async unsubscribe(subId: string): Promise<void> {
    if (!isConnectionUp(this.transport.status)) return; // the server forgets subscriptions of a lost socket
    await this.transport.request('unsubscribe', { subId }).catch(() => undefined);
  }

  private readonly handleBatch = (batch: ChangeBatch) => {
    if (this.stopped) return;
    if (batch.streamId === this.streamId) this.acceptSafely(batch);
    else if (this.subscribing !== null) this.early.push({ kind: 'change', batch });
  };

  private readonly handleStreamError = (message: StreamErrorMessage) => {
    if (this.stopped) return;
    if (this.streamId !== null && message.streamId === this.streamId) this.fail(LiveError.fromWire(message.error));
    else if (this.subscribing !== null) this.early.push({ kind: 'stream:error', message });
  };

  private readonly handleSubError = (message: SubscriptionErrorMessage) => {
    if (this.stopped) return;
    if (this.subscribing !== null) this.early.push({ kind: 'sub:error', message });
    if (this.subId === null || message.subId !== this.subId) return;
    // A slow consumer overflowed its queue on the bridge: nothing is lost if we resume from our position.
    if (message.error.code === 'LIMIT_EXCEEDED') this.subscribe();
    else this.fail(LiveError.fromWire(message.error));
  };

  private readonly handleClosing = (message: ClosingMessage) => {
    this.fail(LiveError.fromWire(message.error));
  };

  private readonly handleStatus = (status: ConnectionStatus) => {
    if (this.stopped) return;
    // Stale is not a loss: the bridge still holds the subscription; only say the data may lag.
    if (status === 'stale') {
      if (this.state === 'open') this.setState('stale');
      return;
    }
    if (status === 'connected') {
      if (this.state === 'stale') this.setState('open');
      if (this.streamId === null && this.subscribing === null) this.subscribe();
      return;
    }
    // The server dropped every subscription of the lost socket; forget ours and wait.
    this.epoch++;
    this.subscribing = null;
    this.subId = null;
    this.streamId = null;
    this.early = [];
    this.setState(this.wasOpen ? 'reconnecting' : 'connecting');
  };
}
