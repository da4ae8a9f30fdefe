import type { ChangeBatch, WatchAccepted, WatchTarget } from '@mongo-live/protocol';
import type { ChangeStreamDocument, Document, ResumeToken } from 'mongodb';
import { LiveError } from '../LiveError.js';
import { Topic } from '../Subscribable.js';
import { RemoteSubscription, type SubscriptionPhase } from '../subscription/RemoteSubscription.js';
import type { LiveTransport } from '../transport/LiveTransport.js';
import { ChangeStreamCursor } from './ChangeStreamCursor.js';
import { DEFAULT_MAX_AWAIT_TIME_MS, toWirePipeline, toWireWatchOptions, type WatchOptions } from './watchOptions.js';

/**
 * Where a change stream is in its life: 'connecting' until the bridge accepts, 'open',
 * 'stale' while the connection stops answering (nothing is lost; it turns 'open' again or 'reconnecting'),
 * 'reconnecting' while it resumes (connection lost, or the bridge node is closing), then 'closed' or 'error'.
 *
 * @example
 * if (stream.status === 'reconnecting') showBanner('offline, catching up soon');
 */
export type StreamStatus = SubscriptionPhase;

/**
 * Events of a {@link ChangeStream}, for `on`/`off`.
 *
 * @example
 * stream.on('change', (c) => console.log(c.operationType)).on('error', (e) => console.error(e.code));
 */
export interface ChangeStreamEvents<T extends Document = Document> {
  /** Every event, once, in order. Adding a listener switches the stream to event mode (no `next()`). */
  change: (change: ChangeStreamDocument<T>) => void;
  /** The stream failed for good (history lost, invalidated, unauthorized...); 'close' follows. */
  error: (error: LiveError) => void;
  close: () => void;
  /** `resumeToken` changed (after an event was handed out, or the position advanced). */
  resumeTokenChanged: (token: ResumeToken) => void;
  /** `status` changed. */
  status: (status: StreamStatus) => void;
}

interface Waiter<T extends Document> {
  resolve(value: ChangeStreamDocument<T> | null): void;
  reject(error: LiveError): void;
  timer?: ReturnType<typeof setTimeout>;
}

// Older runtimes lack Symbol.asyncDispose; TypeScript's `await using` helper falls back to this one.
const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as never);

/**
 * A change stream over the bridge, shaped like the mongodb driver's: async iteration, `next()`,
 * `tryNext()`, `resumeToken`, `close()`, `await using`, or event style with `on('change')`.
 *
 * It subscribes eagerly, at `watch()`, like Motor: events from the moment the bridge accepts the
 * subscription are buffered until read. It survives connection loss, and the bridge node it is
 * on closing, by itself: after a reconnect (to whichever node) it re-subscribes with
 * `resumeAfter` its last position, and hands out every event exactly once, in order. Failures that cannot be resumed (HISTORY_LOST, STREAM_INVALIDATED,
 * UNAUTHORIZED...) reject `next()` and emit 'error' after the buffered events; the stream is then closed.
 *
 * @example
 * await using stream = live.db('shop').collection('orders').watch([{ $match: { operationType: 'insert' } }]);
 * for await (const change of stream) console.log(change.operationType, change.documentKey);
 */
export class ChangeStream<T extends Document = Document> implements AsyncIterable<ChangeStreamDocument<T>> {
  private readonly cursor: ChangeStreamCursor;
  private readonly subscription: RemoteSubscription<WatchAccepted, ChangeBatch>;
  private readonly topics: { [K in keyof ChangeStreamEvents<T>]: Topic<ChangeStreamEvents<T>[K]> } = {
    change: new Topic(),
    error: new Topic(),
    close: new Topic(),
    resumeTokenChanged: new Topic(),
    status: new Topic(),
  };
  private readonly waiters: Waiter<T>[] = [];
  private readonly maxAwaitTimeMS: number;
  private failure: LiveError | undefined;
  private isClosed = false;
  private eventMode = false;
  private closing: Promise<void> | undefined;

  /**
   * Prefer `client.watch()`, `db.watch()` or `collection.watch()`.
   *
   * @example
   * const stream = new ChangeStream(transport, { db: 'shop', collection: 'orders' });
   */
  constructor(transport: LiveTransport, target: WatchTarget, pipeline?: Document[], options: WatchOptions = {}) {
    this.maxAwaitTimeMS = options.maxAwaitTimeMS ?? DEFAULT_MAX_AWAIT_TIME_MS;
    this.cursor = new ChangeStreamCursor(target, toWirePipeline(pipeline), toWireWatchOptions(options), {
      events: () => this.deliver(),
      tokenChanged: (token) => this.topics.resumeTokenChanged.emit(token),
    });
    this.subscription = new RemoteSubscription(transport, this.cursor, {
      phase: (status) => this.topics.status.emit(status),
      failed: (error) => this.failed(error),
    });
    this.subscription.start();
  }

  /** Token after the last event handed out: pass it as `resumeAfter` to continue from there. */
  get resumeToken(): ResumeToken | null {
    return this.cursor.resumeToken;
  }

  /**
   * True until the stream is closed or has failed: the same as `!closed`, kept because the
   * API contract (docs/API.md) names it.
   */
  get alive(): boolean {
    return !this.isClosed;
  }

  /** True once the stream is closed (by `close()` or by a failure). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** 'connecting' until the bridge accepts, 'open', 'reconnecting' while it resumes (socket down, or moving off a closing node), then 'closed' or 'error'. */
  get status(): StreamStatus {
    return this.subscription.phase;
  }

  /** The error the stream failed with, if it did. */
  get error(): LiveError | undefined {
    return this.failure;
  }

  /**
   * Resolves once the bridge accepted the subscription: every change committed after that is
   * delivered. Rejects with the LiveError the stream failed with, or `CLOSED`.
   *
   * @example
   * const stream = orders.watch();
   * await stream.ready();
   * await insertOrder(); // certainly seen by the stream
   */
  async ready(): Promise<void> {
    while (this.status !== 'open' && this.status !== 'stale') {
      if (this.failure) throw this.failure;
      if (this.isClosed) throw new LiveError('CLOSED', 'the change stream is closed');
      await new Promise<void>((resolve) => {
        const done = () => {
          this.off('status', done);
          resolve();
        };
        this.on('status', done);
      });
    }
  }

  /**
   * The next event; waits for one. Rejects with the stream's LiveError once it failed (after the
   * buffered events), or with `CLOSED` once closed.
   */
  next(): Promise<ChangeStreamDocument<T>> {
    return this.read(false) as Promise<ChangeStreamDocument<T>>;
  }

  /** The next event, or null when none arrives within `maxAwaitTimeMS` (default 1000). */
  tryNext(): Promise<ChangeStreamDocument<T> | null> {
    return this.read(true);
  }

  /** Closes the stream: pending `next()` calls reject with `CLOSED`, iteration ends, the bridge is told. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.isClosed) return Promise.resolve();
    this.isClosed = true;
    this.cursor.clear();
    this.rejectWaiters(new LiveError('CLOSED', 'the change stream is closed'));
    this.closing = this.subscription.close();
    this.topics.close.emit();
    return this.closing;
  }

  /** `await using stream = coll.watch()` closes the stream at the end of the block. */
  [asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Async iteration; ends when the stream is closed, throws the LiveError it failed with. Leaving the loop closes it. */
  [Symbol.asyncIterator](): AsyncIterator<ChangeStreamDocument<T>> {
    const done = { value: undefined, done: true } as const;
    return {
      next: async () => {
        try {
          return { value: await this.next(), done: false };
        } catch (error) {
          if (this.isClosed && !this.failure) return done;
          throw error;
        }
      },
      return: async () => {
        await this.close();
        return done;
      },
    };
  }

  /** Listens to 'change', 'error', 'close', 'resumeTokenChanged' or 'status'. */
  on<K extends keyof ChangeStreamEvents<T>>(event: K, listener: ChangeStreamEvents<T>[K]): this {
    this.topics[event].subscribe(listener);
    if (event === 'change' && !this.eventMode) {
      this.eventMode = true;
      this.deliver();
    }
    return this;
  }

  /** Removes a listener added with `on`. */
  off<K extends keyof ChangeStreamEvents<T>>(event: K, listener: ChangeStreamEvents<T>[K]): this {
    this.topics[event].unsubscribe(listener);
    return this;
  }

  private read(orNull: boolean): Promise<ChangeStreamDocument<T> | null> {
    if (this.eventMode) {
      return Promise.reject(
        new LiveError('INVALID_REQUEST', "cannot read a change stream that has 'change' listeners"),
      );
    }
    if (this.cursor.buffered > 0) return Promise.resolve(this.take());
    if (this.failure) return Promise.reject(this.failure);
    if (this.isClosed) return Promise.reject(new LiveError('CLOSED', 'the change stream is closed'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject };
      if (orNull) {
        waiter.timer = setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve(null);
        }, this.maxAwaitTimeMS);
      }
      this.waiters.push(waiter);
    });
  }

  private take(): ChangeStreamDocument<T> {
    return this.cursor.take() as ChangeStreamDocument<T>;
  }

  private deliver(): void {
    if (this.eventMode) {
      while (this.cursor.buffered > 0) this.topics.change.emit(this.take());
      return;
    }
    while (this.waiters.length > 0 && this.cursor.buffered > 0) {
      const waiter = this.waiters.shift() as Waiter<T>;
      clearTimeout(waiter.timer);
      waiter.resolve(this.take());
    }
  }

  private failed(error: LiveError): void {
    if (this.isClosed) return;
    this.failure = error;
    this.isClosed = true;
    this.deliver();
    this.rejectWaiters(error);
    this.topics.error.emit(error);
    this.topics.close.emit();
  }

  private rejectWaiters(error: LiveError): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}
