import type { WatchTarget } from '@mongo-live/protocol';
import type { ChangeStreamDocument, Document, ResumeToken } from 'mongodb';
import { Emitter } from './Emitter.js';
import { LiveError } from './LiveError.js';
import type { LiveTransport } from './LiveTransport.js';
import { type StreamStatus, StreamSubscription } from './StreamSubscription.js';
import {
  DEFAULT_MAX_AWAIT_TIME_MS,
  tokenKey,
  toWirePipeline,
  toWireWatchOptions,
  type WatchOptions,
} from './watchOptions.js';

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
 * subscription are buffered until read. It survives connection loss by itself: after a
 * reconnect it re-subscribes with `resumeAfter` its last position, and hands out every event
 * exactly once, in order. Failures that cannot be resumed (HISTORY_LOST, STREAM_INVALIDATED,
 * UNAUTHORIZED...) reject `next()` and emit 'error' after the buffered events; the stream is then closed.
 *
 * @example
 * await using stream = live.db('shop').collection('orders').watch([{ $match: { operationType: 'insert' } }]);
 * for await (const change of stream) console.log(change.operationType, change.documentKey);
 */
export class ChangeStream<T extends Document = Document> implements AsyncIterable<ChangeStreamDocument<T>> {
  private readonly sub: StreamSubscription;
  private readonly emitter = new Emitter<ChangeStreamEvents<T>>();
  private readonly buffer: ChangeStreamDocument<T>[] = [];
  private readonly waiters: Waiter<T>[] = [];
  private readonly maxAwaitTimeMS: number;
  private token: ResumeToken | null;
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
    this.sub = new StreamSubscription(transport, target, toWirePipeline(pipeline), toWireWatchOptions(options), {
      events: (events) => this.received(events as ChangeStreamDocument<T>[]),
      position: () => {
        if (this.buffer.length === 0) this.setToken(this.sub.position);
      },
      status: (status) => this.emitter.emit('status', status),
      fail: (error) => this.failed(error),
    });
    this.token = this.sub.position;
    this.sub.start();
  }

  /** Token after the last event handed out: pass it as `resumeAfter` to continue from there. */
  get resumeToken(): ResumeToken | null {
    return this.token;
  }

  /** True until the stream is closed or has failed. */
  get alive(): boolean {
    return !this.isClosed;
  }

  /** True once the stream is closed (by `close()` or by a failure). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** 'connecting' until the bridge accepts, 'open', 'reconnecting' while the socket is down, then 'closed' or 'error'. */
  get status(): StreamStatus {
    return this.sub.status;
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
    while (this.status !== 'open') {
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
    this.buffer.length = 0;
    this.rejectWaiters(new LiveError('CLOSED', 'the change stream is closed'));
    this.closing = this.sub.close();
    this.emitter.emit('close');
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
    this.emitter.on(event, listener);
    if (event === 'change' && !this.eventMode) {
      this.eventMode = true;
      this.deliver();
    }
    return this;
  }

  /** Removes a listener added with `on`. */
  off<K extends keyof ChangeStreamEvents<T>>(event: K, listener: ChangeStreamEvents<T>[K]): this {
    this.emitter.off(event, listener);
    return this;
  }

  private read(orNull: boolean): Promise<ChangeStreamDocument<T> | null> {
    if (this.eventMode) {
      return Promise.reject(
        new LiveError('INVALID_REQUEST', "cannot read a change stream that has 'change' listeners"),
      );
    }
    if (this.buffer.length > 0) return Promise.resolve(this.take());
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
    const change = this.buffer.shift() as ChangeStreamDocument<T>;
    // Once everything received is handed out, the position may be past the event (postBatchResumeToken).
    this.setToken(this.buffer.length === 0 ? (this.sub.position ?? change._id) : change._id);
    return change;
  }

  private received(events: ChangeStreamDocument<T>[]): void {
    if (this.isClosed && !this.failure) return;
    this.buffer.push(...events);
    this.deliver();
  }

  private deliver(): void {
    if (this.eventMode) {
      while (this.buffer.length > 0) this.emitter.emit('change', this.take());
      return;
    }
    while (this.waiters.length > 0 && this.buffer.length > 0) {
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
    this.emitter.emit('error', error);
    this.emitter.emit('close');
  }

  private rejectWaiters(error: LiveError): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  private setToken(token: ResumeToken | null): void {
    if (token === null || (this.token !== null && tokenKey(token) === tokenKey(this.token))) return;
    this.token = token;
    this.emitter.emit('resumeTokenChanged', token);
  }
}
