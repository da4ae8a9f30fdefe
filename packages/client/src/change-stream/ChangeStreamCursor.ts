import {
  type ChangeBatch,
  decode,
  type EJSONDocument,
  type WatchAccepted,
  type WatchTarget,
  type WireWatchOptions,
} from '@mongo-live/protocol';
import type { Document, ResumeToken } from 'mongodb';
import type { SubscriptionKind, SubscriptionRoutes } from '../subscription/RemoteSubscription.js';
import type { LiveTransport } from '../transport/LiveTransport.js';

/** How many event tokens are remembered to drop events delivered twice across a re-subscribe. */
const SEEN_LIMIT = 10_000;

/** What a {@link ChangeStreamCursor} tells its change stream. */
export interface CursorListener {
  /** Events were added to the buffer. */
  events(): void;
  /** `resumeToken` changed. */
  tokenChanged(token: ResumeToken): void;
}

interface Buffered {
  change: Document;
  token: EJSONDocument;
}

/**
 * The resume state of one change stream, in one owner (like the driver's `ChangeStreamCursor`):
 * the events received and not yet handed out, the position after everything received (what a
 * re-subscribe resumes after), the public `resumeToken` (after the last event handed out, or the
 * position once the buffer is empty), and the tokens already seen, to drop events a re-subscribe
 * or a shared stream's join delivers twice. It is the `watch` kind of {@link RemoteSubscription}.
 *
 * @example
 * const cursor = new ChangeStreamCursor({ db: 'shop' }, undefined, {}, { events: wake, tokenChanged: save });
 * new RemoteSubscription(transport, cursor, owner).start();
 * const change = cursor.take();
 */
export class ChangeStreamCursor implements SubscriptionKind<WatchAccepted, ChangeBatch> {
  private readonly buffer: Buffered[] = [];
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  private readonly initial: EJSONDocument | undefined;
  /** After everything received. */
  private position: EJSONDocument | undefined;
  /** After everything handed out (wire form of `resumeToken`). */
  private handedOut: EJSONDocument | undefined;
  private token: ResumeToken | null;

  constructor(
    private readonly target: WatchTarget,
    private readonly pipeline: EJSONDocument[] | undefined,
    private readonly options: WireWatchOptions,
    private readonly listener: CursorListener,
  ) {
    this.initial = options.startAfter ?? options.resumeAfter;
    this.position = this.initial;
    this.handedOut = this.initial;
    this.token = this.initial ? decode<ResumeToken>(this.initial) : null;
  }

  /** Token after the last event handed out. */
  get resumeToken(): ResumeToken | null {
    return this.token;
  }

  /** Number of events received and not handed out yet. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Hands out the oldest buffered event (call only when `buffered > 0`). */
  take(): Document {
    const entry = this.buffer.shift() as Buffered;
    // Once everything received is handed out, the position may be past the event (postBatchResumeToken).
    this.handOut(this.buffer.length === 0 ? (this.position ?? entry.token) : entry.token);
    return entry.change;
  }

  /** Drops the buffered events (the stream was closed). */
  clear(): void {
    this.buffer.length = 0;
  }

  listen(transport: LiveTransport, routes: SubscriptionRoutes<ChangeBatch>): Array<() => void> {
    return [
      transport.on('change', (batch) => routes.data(batch.streamId, batch)),
      transport.on('stream:error', (message) => routes.error(message.streamId, message.error)),
    ];
  }

  request(transport: LiveTransport, subId: string): Promise<WatchAccepted> {
    return transport.request('watch', {
      subId,
      target: this.target,
      ...(this.pipeline ? { pipeline: this.pipeline } : {}),
      options: this.resumeOptions(),
    });
  }

  channel(ack: WatchAccepted): string {
    return ack.streamId;
  }

  accepted(ack: WatchAccepted, early: ChangeBatch[]): void {
    // Before any event, the join point is the position: a reconnect resumes from there, losing nothing.
    if (ack.resumeToken && this.position === undefined) this.advance(ack.resumeToken);
    const join = joinPoint(early, ack.resumeToken);
    early.forEach((batch, i) => {
      if (i > join.index) this.received(batch);
      else if (i === join.index && join.rest) this.received(join.rest);
    });
  }

  received(batch: ChangeBatch): void {
    const fresh: Buffered[] = [];
    let lastFresh: EJSONDocument | undefined;
    for (const raw of batch.events) {
      const key = JSON.stringify(raw._id);
      if (this.seen.has(key)) continue;
      this.remember(key);
      lastFresh = raw._id as EJSONDocument;
      fresh.push({ change: decode<Document>(raw), token: lastFresh });
    }
    // A batch of repeats must not move the position back; an empty batch is a pure advance.
    const advance = fresh.length > 0 || batch.events.length === 0;
    const next = advance ? (batch.postBatchResumeToken ?? lastFresh) : undefined;
    if (fresh.length > 0) {
      if (next !== undefined) this.position = next;
      this.buffer.push(...fresh);
      this.listener.events();
    } else if (next !== undefined) this.advance(next);
  }

  /** The watch options of the next request: the original ones, or `resumeAfter` the position once it moved. */
  private resumeOptions(): WireWatchOptions {
    if (this.position === undefined || this.position === this.initial) return this.options;
    const { resumeAfter: _r, startAfter: _s, startAtOperationTime: _t, ...rest } = this.options;
    return { ...rest, resumeAfter: this.position };
  }

  /** The position moved without events: the token follows it when nothing is waiting to be handed out. */
  private advance(token: EJSONDocument): void {
    this.position = token;
    if (this.buffer.length === 0) this.handOut(token);
  }

  private handOut(token: EJSONDocument): void {
    if (this.handedOut !== undefined && JSON.stringify(token) === JSON.stringify(this.handedOut)) return;
    this.handedOut = token;
    this.token = decode<ResumeToken>(token);
    this.listener.tokenChanged(this.token);
  }

  private remember(key: string): void {
    this.seen.add(key);
    this.seenOrder.push(key);
    if (this.seenOrder.length > SEEN_LIMIT) this.seen.delete(this.seenOrder.shift() as string);
  }
}

/**
 * Where the ack's token lies among the batches received before the ack: batches up to `index`
 * precede the join and are dropped, except `rest` (the events of batch `index` after the token).
 * When the token is not among them, all are kept: the seen-token filter drops repeats.
 */
function joinPoint(
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
