import type { ChangeStream, ChangeStreamDocument, Document, MongoClient, Timestamp } from 'mongodb';
import { toWireError } from '../errors.js';
import type { MembershipListener } from './LiveQueryEngine.js';
import { normalizeNumbers } from './normalize.js';
import { QueryIndex } from './QueryIndex.js';
import { readWindow } from './readWindow.js';
import type { SharedLiveQuery } from './SharedLiveQuery.js';
import { valueKey } from './valueKey.js';

/** The new state of one document, as told by a change event. */
interface DocChange {
  id: string;
  doc: Document | null;
  clusterTime: Timestamp | undefined;
}

/**
 * One shared change stream (`fullDocument: 'updateLookup'`) for all live queries of a collection.
 * Events are handled one at a time, in order, on a serial queue; each is dispatched through the
 * {@link QueryIndex} to the queries it may affect. A query being added buffers the events that
 * arrive while its snapshot is read, then drops those the snapshot already reflects (by cluster
 * time), so the snapshot and the stream join without a gap or a double. Invalidation (drop,
 * rename) and unrecoverable stream errors restart the stream and re-read every window.
 *
 * @example
 * const feed = new CollectionFeed(mongo, 'shop', 'products', () => feeds.delete('shop.products'));
 * await feed.add(sharedQuery);
 */
export class CollectionFeed {
  private readonly index = new QueryIndex<SharedLiveQuery>();
  private readonly queries = new Set<SharedLiveQuery>();
  private readonly pending = new Map<SharedLiveQuery, DocChange[]>();
  private stream: ChangeStream | undefined;
  private opening: Promise<void> | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  /** Bumped on every stream restart, so in-flight snapshots know to re-read. */
  private epoch = 0;
  private closed = false;
  private failures = 0;

  constructor(
    private readonly mongo: MongoClient,
    readonly db: string,
    readonly collection: string,
    private readonly onEmpty: () => void = () => undefined,
  ) {}

  /** Number of live queries on this feed (including those still loading). */
  get size(): number {
    return this.queries.size + this.pending.size;
  }

  /** Tells the dispatch index which documents a query's window holds. */
  membershipOf(query: SharedLiveQuery): MembershipListener {
    return {
      entered: (id) => this.index.docEntered(id, query),
      left: (id) => this.index.docLeft(id, query),
    };
  }

  /** Runs `task` on the serial queue, after every event received before it. */
  enqueue<T>(task: () => Promise<T> | T): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Loads a query's snapshot and starts dispatching events to it. */
  async add(query: SharedLiveQuery): Promise<void> {
    this.pending.set(query, []);
    try {
      await this.ensureOpen();
      const epoch = this.epoch;
      let read = await readWindow(this.mongo, this.db, this.collection, query.engine);
      await this.enqueue(async () => {
        const buffered = this.pending.get(query) ?? [];
        this.pending.delete(query);
        if (query.closed || this.closed) return;
        this.index.add(query, query.engine.predicate);
        if (epoch !== this.epoch) read = await readWindow(this.mongo, this.db, this.collection, query.engine);
        query.engine.load(read.docs);
        query.advance(read.operationTime);
        for (const change of buffered) {
          if (query.reflects(change.clusterTime)) continue;
          const normalized = change.doc ? normalizeNumbers(change.doc) : null;
          if (query.engine.apply(change.id, change.doc, normalized).refill) await this.refill(query);
        }
        this.queries.add(query);
      });
    } catch (error) {
      this.remove(query);
      throw error;
    }
  }

  /** Stops dispatching to a query; closes the stream when no query is left. */
  remove(query: SharedLiveQuery): void {
    this.pending.delete(query);
    this.queries.delete(query);
    this.index.remove(query, [...query.engine.docIds()]);
    if (this.size === 0) {
      void this.close();
      this.onEmpty();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stream = this.stream;
    this.stream = undefined;
    await stream?.close().catch(() => undefined);
  }

  private ensureOpen(): Promise<void> {
    this.opening ??= this.open().catch((error) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  /** The cluster time now, from a causally consistent read; undefined if the server sends none. */
  private async clusterTimeNow(): Promise<Timestamp | undefined> {
    const session = this.mongo.startSession({ causalConsistency: true });
    try {
      await this.mongo
        .db(this.db)
        .collection(this.collection)
        .findOne({}, { session, projection: { _id: 1 } });
      return session.operationTime;
    } finally {
      await session.endSession();
    }
  }

  /**
   * Opens the stream at the current cluster time, so every later snapshot is covered; without a
   * cluster time, waits until the server has established the stream's cursor.
   */
  private async open(): Promise<void> {
    const startAt = await this.clusterTimeNow();
    const stream = this.mongo
      .db(this.db)
      .collection(this.collection)
      .watch([], { fullDocument: 'updateLookup', ...(startAt ? { startAtOperationTime: startAt } : {}) });
    this.stream = stream;
    let established!: () => void;
    const ready = new Promise<void>((resolve) => {
      established = resolve;
    });
    void this.pump(stream, established);
    if (!startAt) await ready;
  }

  private async pump(stream: ChangeStream, established: () => void): Promise<void> {
    try {
      while (!this.closed && this.stream === stream && !stream.closed) {
        const event = await stream.tryNext();
        established();
        if (event) {
          void this.enqueue(() => this.handle(event));
          if (event.operationType === 'invalidate') return; // the cursor is over; handle() restarts
        } else {
          // A dead cursor answers at once: yield to I/O so that can never become a busy loop.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    } catch (error) {
      established();
      if (this.closed || this.stream !== stream) return;
      void this.enqueue(() => this.restart(error));
    }
  }

  private async handle(event: ChangeStreamDocument): Promise<void> {
    if (this.closed) return;
    if (event.operationType === 'invalidate') return this.restart();
    if (
      event.operationType !== 'insert' &&
      event.operationType !== 'update' &&
      event.operationType !== 'replace' &&
      event.operationType !== 'delete'
    )
      return; // drop / rename / dropDatabase are followed by invalidate
    this.failures = 0;
    // An update whose lookup found nothing: the document is gone by now.
    const doc = event.operationType === 'delete' ? null : (event.fullDocument ?? null);
    const change: DocChange = { id: valueKey(event.documentKey._id), doc, clusterTime: event.clusterTime };
    for (const buffer of this.pending.values()) buffer.push(change);
    const normalized = doc ? normalizeNumbers(doc) : null;
    const refills: SharedLiveQuery[] = [];
    const updates: Array<[SharedLiveQuery, ReturnType<SharedLiveQuery['engine']['apply']>]> = [];
    for (const query of this.index.candidates(change.id, normalized)) {
      if (query.closed || !this.queries.has(query) || query.reflects(change.clusterTime)) continue;
      // One query whose evaluation throws (a budget, a $toInt armed later) ends alone.
      let result: ReturnType<SharedLiveQuery['engine']['apply']>;
      try {
        result = query.engine.apply(change.id, doc, normalized);
      } catch (error) {
        this.remove(query);
        query.fail(toWireError(error));
        continue;
      }
      updates.push([query, result]);
      if (result.refill) refills.push(query);
    }
    // Windows that lost a member are re-read together, then each query sends one update.
    const refilled = new Map(
      await Promise.all(refills.map(async (q) => [q, await this.refillDiffs(q)] as const)).catch((error) => {
        for (const q of refills) q.fail(toWireError(error));
        return [];
      }),
    );
    for (const [query, result] of updates) query.publish([...result.diffs, ...(refilled.get(query) ?? [])]);
  }

  private async refillDiffs(query: SharedLiveQuery) {
    const read = await readWindow(this.mongo, this.db, this.collection, query.engine);
    const diffs = query.engine.refresh(read.docs);
    query.advance(read.operationTime);
    return diffs;
  }

  private async refill(query: SharedLiveQuery): Promise<void> {
    await this.refillDiffs(query);
  }

  /** Reopens the stream and re-reads every window (collection dropped, history lost...). */
  private async restart(cause?: unknown): Promise<void> {
    if (this.closed) return;
    this.epoch += 1;
    this.failures += 1;
    const old = this.stream;
    this.stream = undefined;
    this.opening = undefined;
    await old?.close().catch(() => undefined);
    if (this.failures > 3) return this.failAll(cause);
    try {
      await this.ensureOpen();
      for (const query of this.queries) if (!query.closed) query.publish(await this.refillDiffs(query));
    } catch (error) {
      this.failAll(error);
    }
  }

  private failAll(error: unknown): void {
    const wire = toWireError(error ?? new Error('change stream failed'));
    for (const query of [...this.queries, ...this.pending.keys()]) query.fail(wire);
  }
}
