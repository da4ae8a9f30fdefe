import type { WireError } from '@mongo-live/protocol';
import type { ChangeStreamDocument, Document, MongoClient, Timestamp } from 'mongodb';
import { toWireError } from '../errors.js';
import type { ChangeFeed, FeedConsumer } from '../feed/ChangeFeed.js';
import { transactionGroups } from '../feed/transactions.js';
import type { MembershipListener } from './LiveQueryEngine.js';
import type { LiveView } from './LiveView.js';
import { normalizeNumbers } from './normalize.js';
import { QueryIndex } from './QueryIndex.js';
import { valueKey } from './valueKey.js';

/** Gives the collection's current change feed (a new one after the previous ended). */
export type FeedSource = () => ChangeFeed;

/** The new state of one document, as told by a change event. */
interface DocChange {
  id: string;
  doc: Document | null;
  clusterTime: Timestamp | undefined;
}

type View = LiveView<unknown>;

/**
 * The live queries and live counts ({@link LiveView}s) of one collection, as one consumer of the collection's {@link ChangeFeed}
 * (shared with watch subscriptions). Events are handled one at a time, in order, on a serial
 * queue (a transaction's events together, as one step: one update per view, never half of it);
 * each is dispatched through the {@link QueryIndex} to the views it may affect. A view
 * being added buffers the events that arrive while its snapshot is read, then drops those the
 * snapshot already reflects (by cluster time), so the snapshot and the feed join without a gap or
 * a double. When the feed ends (invalidation, HISTORY_LOST, a failed stream) the queries move to
 * a fresh feed and re-read their windows, sending the difference: a bounded number of times in a
 * row, never in a loop.
 *
 * @example
 * const queries = new CollectionFeed(mongo, 'shop', 'products', () => feeds.feed(scope, LIVE_FAMILY), onEmpty);
 * await queries.add(sharedQuery);
 */
export class CollectionFeed implements FeedConsumer {
  private readonly index = new QueryIndex<View>();
  private readonly queries = new Set<View>();
  private readonly pending = new Map<View, DocChange[]>();
  private feed: ChangeFeed | undefined;
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
    private readonly source: FeedSource,
    private readonly onEmpty: () => void = () => undefined,
  ) {}

  /** Number of live queries on this feed (including those still loading). */
  get size(): number {
    return this.queries.size + this.pending.size;
  }

  /** Tells the dispatch index which documents a query's window holds. */
  membershipOf(query: View): MembershipListener {
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
  async add(query: View): Promise<void> {
    this.pending.set(query, []);
    try {
      await this.ensureOpen();
      const epoch = this.epoch;
      let read = await query.read(this.mongo, this.db, this.collection);
      await this.enqueue(async () => {
        const buffered = this.pending.get(query) ?? [];
        this.pending.delete(query);
        if (query.closed || this.closed) return;
        this.index.add(query, query.predicate);
        if (epoch !== this.epoch) read = await query.read(this.mongo, this.db, this.collection);
        query.load(read.docs, read.keyOnly);
        query.readTime.advance(read.operationTime);
        for (const change of buffered) {
          if (query.readTime.reflects(change.clusterTime)) continue;
          const normalized = change.doc ? normalizeNumbers(change.doc) : null;
          if (query.apply(change.id, change.doc, normalized).refill) await this.refill(query);
        }
        this.queries.add(query);
      });
    } catch (error) {
      this.remove(query);
      throw error;
    }
  }

  /** Stops dispatching to a query; closes the stream when no query is left. */
  remove(query: View): void {
    this.pending.delete(query);
    this.queries.delete(query);
    this.index.remove(query, [...query.docIds()]);
    if (this.size === 0) {
      void this.close();
      this.onEmpty();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.feed?.detach(this, true);
    this.feed = undefined;
  }

  /** Events of the feed: handled in order on the serial queue, a transaction's events as one step. */
  deliver(events: Document[]): void {
    for (const group of transactionGroups(events))
      void this.enqueue(() => this.handle(group as ChangeStreamDocument[]));
  }

  /** The feed ended: move to a new one and re-read every window. */
  ended(error: WireError): void {
    if (this.closed) return;
    this.feed = undefined;
    this.opening = undefined;
    void this.enqueue(() => this.restart(error));
  }

  private ensureOpen(): Promise<void> {
    this.opening ??= this.open().catch((error) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  /** Joins the collection's feed; once it is established every later window read is covered by it. */
  private async open(): Promise<void> {
    const feed = this.source();
    feed.attach(this, undefined);
    this.feed = feed;
    try {
      await feed.open();
    } catch (error) {
      feed.detach(this);
      if (this.feed === feed) this.feed = undefined;
      throw error;
    }
  }

  /**
   * One event, or every event of one transaction: each view applies all of them, then sends one
   * update, so no subscriber ever sees half of a transaction.
   */
  private async handle(events: ChangeStreamDocument[]): Promise<void> {
    if (this.closed) return;
    const changes = events.map(changeOf).filter((c): c is DocChange => c !== undefined);
    if (changes.length === 0) return;
    this.failures = 0;
    for (const buffer of this.pending.values()) buffer.push(...changes);
    const updates = new Map<View, unknown[]>();
    const refills = new Set<View>();
    for (const change of changes) {
      const normalized = change.doc ? normalizeNumbers(change.doc) : null;
      for (const query of this.index.candidates(change.id, normalized)) {
        if (query.closed || !this.queries.has(query) || query.readTime.reflects(change.clusterTime)) continue;
        // One query whose evaluation throws ends alone; the others still get this event.
        let result: ReturnType<View['apply']>;
        try {
          result = query.apply(change.id, change.doc, normalized);
        } catch (error) {
          this.remove(query);
          query.fail(toWireError(error));
          updates.delete(query);
          refills.delete(query);
          continue;
        }
        const diffs = updates.get(query);
        if (diffs) diffs.push(...result.diffs);
        else updates.set(query, [...result.diffs]);
        if (result.refill) refills.add(query);
      }
    }
    // Windows that lost a member are re-read together (once per step), then each query sends one update.
    const refilled = new Map(
      await Promise.all([...refills].map(async (q) => [q, await this.refillDiffs(q)] as const)).catch((error) => {
        for (const q of refills) q.fail(toWireError(error));
        return [];
      }),
    );
    for (const [query, diffs] of updates) query.publish([...diffs, ...(refilled.get(query) ?? [])]);
  }

  private async refillDiffs(query: View) {
    const read = await query.read(this.mongo, this.db, this.collection);
    const diffs = query.refresh(read.docs, read.keyOnly);
    query.readTime.advance(read.operationTime);
    return diffs;
  }

  private async refill(query: View): Promise<void> {
    await this.refillDiffs(query);
  }

  /** Joins a fresh feed and re-reads every window (collection dropped, history lost...). */
  private async restart(cause?: unknown): Promise<void> {
    if (this.closed) return;
    this.epoch += 1;
    this.failures += 1;
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

/** The new state of the document an event is about; undefined for events that change no document. */
function changeOf(event: ChangeStreamDocument): DocChange | undefined {
  // invalidate: the feed ends next, and ended() restarts; drop / rename / dropDatabase are followed by invalidate.
  if (
    event.operationType !== 'insert' &&
    event.operationType !== 'update' &&
    event.operationType !== 'replace' &&
    event.operationType !== 'delete'
  )
    return undefined;
  // An update whose lookup found nothing: the document is gone by now.
  const doc = event.operationType === 'delete' ? null : (event.fullDocument ?? null);
  return { id: valueKey(event.documentKey._id), doc, clusterTime: event.clusterTime };
}
