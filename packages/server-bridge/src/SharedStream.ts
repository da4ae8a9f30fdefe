import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { ChangeBatch, EJSONDocument, WireError } from '@mongo-live/protocol';
import type { ChangeStream, ChangeStreamOptions, Document, MongoClient } from 'mongodb';
import type { ChangeEventGuard } from './ChangeEventGuard.js';
import { EJSON, encode } from './driverBson.js';
import { toWireError } from './errors.js';

/** What one MongoDB change stream watches, with which stages and options. */
export interface StreamSpec {
  /** Sharing key: identical specs (and access decisions) share one stream. */
  key: string;
  db?: string;
  collection?: string;
  /** Stages appended to `$changeStream` in MongoDB. */
  pipeline: Document[];
  options: ChangeStreamOptions;
  /** Enforcement for restricted access decisions; applied once per event, not per socket. */
  guard?: ChangeEventGuard;
}

/** What a stream needs from its owner. */
export interface StreamHost {
  mongo: MongoClient;
  batchSize: number;
  /** Sends a batch to the stream's room. */
  emitBatch(stream: SharedStream, batch: ChangeBatch): void;
  /** The stream ended by itself (error, invalidate); `error` is what subscribers are told. */
  ended(stream: SharedStream, error: WireError): void;
}

/**
 * One MongoDB change stream shared by every identical subscription. Events that arrive together
 * (the same getMore batch, delivered within one turn of the event loop) are sent as one `change`
 * message of at most `batchSize` events, encoded once. Empty batches carry the advancing
 * post-batch resume token so idle clients can resume from the latest position.
 *
 * Resumable driver errors are retried by the driver itself; any error that reaches us ends the
 * stream for all subscribers.
 *
 * @example
 * const stream = new SharedStream(spec, host);
 * await stream.open(); // resolves once MongoDB accepted the aggregate
 * stream.position;     // resume token a new subscriber starts after
 */
export class SharedStream {
  readonly id = randomUUID();
  readonly room = `mongo-live:stream:${this.id}`;
  /** Subscriptions of this stream, keyed by `socketId:subId`. */
  readonly subscribers = new Map<string, { socketId: string; subId: string }>();
  private change: ChangeStream | undefined;
  private queue: Document[] = [];
  private flushScheduled = false;
  private ready = false;
  private closed = false;
  private emitted: unknown;
  private opening: Promise<void> | undefined;

  constructor(
    readonly spec: StreamSpec,
    private readonly host: StreamHost,
  ) {}

  /** Resume token of the last position sent to the room: a new subscriber receives every event after it. */
  get position(): EJSONDocument | undefined {
    return this.emitted == null ? undefined : (encode(this.emitted) as EJSONDocument);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** True once MongoDB accepted the stream (subscribers were acked). */
  get isReady(): boolean {
    return this.ready;
  }

  /** Opens the MongoDB stream (once); resolves when the server accepted it. */
  open(): Promise<void> {
    this.opening ??= new Promise<void>((resolve, reject) => {
      const { db, collection, pipeline, options } = this.spec;
      const mongo = this.host.mongo;
      const change =
        db === undefined
          ? mongo.watch(pipeline, options)
          : collection === undefined
            ? mongo.db(db).watch(pipeline, options)
            : mongo.db(db).collection(collection).watch(pipeline, options);
      this.change = change;
      let settled = false;
      const markReady = () => {
        if (settled) return;
        settled = true;
        // Runs after the driver delivered the change (if any) that set the token: a token set by
        // an event must not become the starting position, or that event would be skipped.
        queueMicrotask(() => {
          if (this.queue.length === 0) this.emitted = change.resumeToken;
          this.ready = true;
          resolve();
          // After the openers' acks (promise continuations), before any batch: acks come first.
          setImmediate(() => this.flush());
        });
      };
      change.on('resumeTokenChanged', () => {
        markReady();
        this.schedule();
      });
      // The initial aggregate succeeded even if the server sent no post-batch resume token.
      (change as unknown as { cursor?: EventEmitter }).cursor?.once?.('init', markReady);
      change.on('change', (event: Document) => {
        this.queue.push(event);
        if (this.queue.length >= this.host.batchSize) this.flush();
        else this.schedule();
      });
      change.on('error', (error: unknown) => {
        if (!settled) {
          settled = true;
          reject(error);
        }
        this.flush(); // events received before the error are still delivered
        this.fail(toWireError(error));
      });
      // The driver forwards 'close' of its internal cursor, which also happens while it resumes
      // after a resumable error, and precedes 'error' when the stream fails. Only a stream that is
      // closed for good (the driver's own flag, after the events already in flight) ends here.
      change.on('close', () => {
        setImmediate(() => {
          if (this.closed || !(change as unknown as { isClosed?: boolean }).isClosed) return;
          if (!settled) {
            settled = true;
            reject(new Error('the change stream closed before it opened'));
          }
          this.flush(); // may end the stream as invalidated
          this.fail({ code: 'SERVER_ERROR', message: 'the change stream was closed by the server' });
        });
      });
    });
    return this.opening;
  }

  /** Closes the MongoDB stream without telling anyone (the owner does). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    await this.change?.close().catch(() => undefined);
  }

  private schedule(): void {
    if (this.flushScheduled || !this.ready) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.closed || !this.ready || !this.change) return;
    const raw = this.queue;
    this.queue = [];
    const size = this.host.batchSize;
    // Events queued while the stream was opening can exceed a batch: send them in slices, each
    // ending at its last event's token (a valid resume point); the last slice at the driver's.
    for (let start = 0; start === 0 || start < raw.length; start += size) {
      const slice = raw.slice(start, start + size);
      const last = start + size >= raw.length;
      const token = last ? this.change.resumeToken : slice.at(-1)?._id;
      if (!this.send(slice, token) || this.closed) return;
    }
  }

  /** Guards, encodes and sends one batch; false when the stream failed. */
  private send(raw: Document[], token: unknown): boolean {
    const events: EJSONDocument[] = [];
    let invalidated = false;
    try {
      for (const event of raw) {
        if (event.operationType === 'invalidate') invalidated = true;
        const out = this.spec.guard ? this.spec.guard.apply(event) : event;
        if (out) events.push(encode(out) as EJSONDocument);
      }
    } catch (error) {
      this.fail(toWireError(error));
      return false;
    }
    if (events.length === 0 && sameToken(token, this.emitted)) return true;
    this.emitted = token;
    const batch: ChangeBatch = { streamId: this.id, events };
    if (token != null) batch.postBatchResumeToken = encode(token) as EJSONDocument;
    this.host.emitBatch(this, batch);
    if (invalidated) {
      this.fail({ code: 'STREAM_INVALIDATED', message: 'the change stream was invalidated (dropped or renamed)' });
      return false;
    }
    return true;
  }

  private fail(error: WireError): void {
    if (this.closed) return;
    void this.close();
    this.host.ended(this, error);
  }
}

function sameToken(a: unknown, b: unknown): boolean {
  if (a == null || b == null) return (a == null) === (b == null);
  return EJSON.stringify(a as Document) === EJSON.stringify(b as Document);
}
