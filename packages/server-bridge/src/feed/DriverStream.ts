import type { EventEmitter } from 'node:events';
import type { WatchTarget } from '@mongo-live/protocol';
import type { ChangeStream, ChangeStreamOptions, Document, MongoClient } from 'mongodb';
import { inTransaction } from './transactions.js';

/** Where a driver stream's batches go. */
export interface DriverStreamSink {
  /**
   * One getMore's worth of events (possibly none), in order, and the resume token after them: the
   * last event's `_id`, or the post-batch resume token when the batch was read to its end.
   */
  batch(events: Document[], token: unknown): void;
  /** The stream failed for good (the driver already retried what it could). */
  failed(error: unknown): void;
}

/**
 * The one owner of a MongoDB driver change stream in the bridge: opens it, pulls its batches with
 * `tryNext` (so the bridge decides when to read, and an idle stream still reports its advancing
 * post-batch resume token), hands them to its sink, and closes it. Resumable errors are retried
 * by the driver; any error that reaches us ends the stream.
 *
 * @example
 * const stream = new DriverStream(mongo, { db: 'shop', collection: 'orders' }, { fullDocument: 'updateLookup' }, sink, 100);
 * await stream.open(); // MongoDB accepted the aggregate
 * stream.close();
 */
export class DriverStream {
  private change: ChangeStream | undefined;
  private closed = false;
  private paused = false;
  private wake: (() => void) | undefined;
  private opening: Promise<void> | undefined;

  constructor(
    private readonly mongo: MongoClient,
    readonly scope: WatchTarget,
    private readonly options: ChangeStreamOptions,
    private readonly sink: DriverStreamSink,
    private readonly maxBatch: number,
  ) {}

  /** The driver's resume token now (undefined before the aggregate returned). */
  get token(): unknown {
    return this.change?.resumeToken;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends the aggregate and starts pulling; resolves once MongoDB accepted the stream. */
  open(): Promise<void> {
    this.opening ??= new Promise<void>((resolve, reject) => {
      const { db, collection } = this.scope;
      const options: ChangeStreamOptions = { maxAwaitTimeMS: 1000, ...this.options };
      const change =
        db === undefined
          ? this.mongo.watch([], options)
          : collection === undefined
            ? this.mongo.db(db).watch([], options)
            : this.mongo.db(db).collection(collection).watch([], options);
      this.change = change;
      // Errors are read from tryNext; this listener only keeps an 'error' emit from crashing.
      change.on('error', () => undefined);
      let settled = false;
      const ready = () => {
        if (settled) return;
        settled = true;
        resolve();
      };
      (change as unknown as { cursor?: EventEmitter }).cursor?.once?.('init', ready);
      void this.pump(change, ready, (error) => {
        if (settled) return false;
        settled = true;
        reject(error);
        return true;
      });
    });
    return this.opening;
  }

  /** Stops reading (events stay in MongoDB) until {@link resume}. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    void this.change?.close().catch(() => undefined);
  }

  private async pump(change: ChangeStream, ready: () => void, rejectOpen: (error: unknown) => boolean) {
    let batch: Document[] = [];
    try {
      while (!this.closed) {
        if (this.paused) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
          this.wake = undefined;
          continue;
        }
        const event = await change.tryNext();
        ready();
        if (this.closed) return;
        if (event) {
          batch.push(event);
          const more = change.bufferedCount() > 0 && event.operationType !== 'invalidate';
          // A batch never ends inside a transaction the driver already holds more of (live views apply it whole).
          if (more && (batch.length < this.maxBatch || inTransaction(event))) continue;
        }
        const events = batch;
        batch = [];
        this.sink.batch(events, change.resumeToken);
        if (event?.operationType === 'invalidate') {
          this.closed = true;
          void change.close().catch(() => undefined);
          return;
        }
        // A dead cursor answers at once: yield to I/O so that can never become a busy loop.
        if (!event) await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      if (this.closed) return;
      if (batch.length > 0) this.sink.batch(batch, batch.at(-1)?._id);
      this.closed = true;
      void change.close().catch(() => undefined);
      if (!rejectOpen(error)) this.sink.failed(error);
    }
  }
}
