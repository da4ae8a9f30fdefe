import type { LivePagesAccepted, LivePagesUpdate, PageChange, WireError } from '@mongo-live/protocol';
import type { Document, MongoClient } from 'mongodb';
import type { EffectiveQuery } from '../access/effectiveQuery.js';
import { Projection } from '../access/Projection.js';
import { toWireError } from '../errors.js';
import type { EvaluationLimits } from '../evaluation/EvaluationBudget.js';
import { type EqualityPredicate, equalityPredicateOf } from './equality.js';
import { keysetAfter, keysetUpTo } from './keysetFilter.js';
import type { MembershipListener } from './LiveQueryEngine.js';
import type { LiveView } from './LiveView.js';
import { compileMatcher, type Matcher } from './matcher.js';
import { LOOKAHEAD, PageSet } from './PageSet.js';
import { ReadTime } from './ReadTime.js';
import { readWindow, type WindowRead } from './readWindow.js';
import { SortOrder } from './SortOrder.js';

/** Where live pages send what happens to them (the bridge's room of `id`). */
export interface LivePagesSink {
  emitPages(pagesId: string, update: LivePagesUpdate): void;
  emitError(pagesId: string, error: WireError): void;
}

/** What live pages are asked for, beyond the effective query. */
export interface PagesShape {
  pageSize: number;
  /** Pages to load first. */
  pageCount: number;
  /** Documents all loaded pages may hold together (`maxQueryResults`). */
  maxDocs: number;
}

/** Runs a read on the feed's queue, after every event received before it (`CollectionFeed.enqueue`). */
export type PagesScheduler = (task: (mongo: MongoClient) => Promise<void>) => void;

/**
 * The live pages of one subscriber, as a {@link LiveView} of its collection's feed: a
 * {@link PageSet} with keyset boundaries. The first read takes `pageCount` pages at once; each
 * `more()` reads one page after the loaded range (`pageSize + 1` documents by a keyset filter,
 * never a skip), on the feed's queue so no event falls between the read and the pages.
 * `hasNextPage` follows the writes: when the last known document after the loaded range leaves
 * it, a short read after the range runs on the feed's queue and its answer is sent.
 *
 * @example
 * const schedule = (task) => void feed.enqueue(() => task(mongo));
 * const pages = new SharedLivePages(id, query, { pageSize: 50, pageCount: 1, maxDocs: 10_000 }, sink, membership, schedule);
 * await feed.add(pages);
 * await feed.enqueue(() => pages.more(mongo));
 */
export class SharedLivePages implements LiveView<PageChange> {
  readonly predicate: EqualityPredicate | undefined;
  readonly subscribers = new Set<string>();
  readonly set: PageSet;
  version = 0;
  closed = false;
  readonly readTime = new ReadTime();
  private readonly matcher: Matcher;
  private readonly order: SortOrder;
  private probing = false;

  constructor(
    readonly id: string,
    readonly query: EffectiveQuery,
    private readonly shape: PagesShape,
    private readonly sink: LivePagesSink,
    membership: MembershipListener,
    private readonly schedule: PagesScheduler,
    evaluation?: EvaluationLimits,
  ) {
    this.order = new SortOrder(query.sort);
    this.predicate = equalityPredicateOf(query.filter);
    this.matcher = compileMatcher(query.filter, evaluation);
    this.set = new PageSet(this.order, Projection.compile(query.projection), membership, shape.pageSize, shape.maxDocs);
  }

  /** The first pages, or (once loaded) the whole loaded range. */
  read(mongo: MongoClient, db: string, collection: string): Promise<WindowRead> {
    const order = this.order;
    if (this.set.pageCount === 0)
      return readWindow(mongo, db, collection, {
        filter: this.query.filter,
        order,
        fetchLimit: this.shape.pageCount * this.shape.pageSize + LOOKAHEAD,
      });
    const bound = this.set.upperBound;
    return readWindow(mongo, db, collection, {
      filter: bound ? { $and: [this.query.filter, keysetUpTo(order, bound)] } : this.query.filter,
      order,
      fetchLimit: this.shape.maxDocs + 1,
    });
  }

  load(docs: Document[]): void {
    this.set.load(docs, this.shape.pageCount);
  }

  refresh(docs: Document[]): PageChange[] {
    const changes = this.set.refresh(docs);
    this.probeIfNeeded();
    return changes;
  }

  apply(docId: string, doc: Document | null, normalized: Document | null) {
    const matches = doc !== null && normalized !== null && this.matcher(normalized);
    const diffs = this.set.apply(docId, doc, matches);
    this.probeIfNeeded();
    return { diffs, refill: false };
  }

  publish(changes: PageChange[]): void {
    if (changes.length === 0) return;
    this.send({ changes });
  }

  /**
   * Loads the next page: `pageSize + 1` documents after the loaded range. Run it on the feed's
   * queue. Events of writes the read already saw may follow; they carry the document's state and
   * apply idempotently. The read does not move {@link reflects}' time: it covers the new page only.
   */
  async more(mongo: MongoClient): Promise<number> {
    const bound = this.set.upperBound;
    if (this.closed || !bound) return this.version;
    const { docs } = await readWindow(mongo, this.query.db, this.query.collection, {
      filter: { $and: [this.query.filter, keysetAfter(this.order, bound)] },
      order: this.order,
      fetchLimit: this.shape.pageSize + LOOKAHEAD,
    });
    const append = this.set.append(docs);
    this.send(append ? { changes: [], append } : { changes: [] });
    return this.version;
  }

  /**
   * Nothing after the loaded range is known any more: read after it on the feed's queue. Writes
   * that happen meanwhile follow as events and apply to the answer (state-based, idempotent).
   */
  private probeIfNeeded(): void {
    if (this.probing || this.closed || !this.set.needsProbe) return;
    this.probing = true;
    this.schedule(async (mongo) => {
      this.probing = false;
      const bound = this.set.upperBound;
      if (this.closed || !bound || !this.set.needsProbe) return;
      try {
        const { docs } = await readWindow(mongo, this.query.db, this.query.collection, {
          filter: { $and: [this.query.filter, keysetAfter(this.order, bound)] },
          order: this.order,
          fetchLimit: LOOKAHEAD,
        });
        this.set.probed(docs);
      } catch (error) {
        this.fail(toWireError(error));
        return;
      }
      if (!this.set.hasNextPage) this.send({ changes: [] });
    });
  }

  docIds(): Iterable<string> {
    return this.set.ids();
  }

  /** The loaded pages: the subscriber's ack (the session adds its `subId`). */
  snapshot(): Omit<LivePagesAccepted, 'subId'> {
    return { pagesId: this.id, pages: this.set.pages(), hasNextPage: this.set.hasNextPage, version: this.version };
  }

  fail(error: WireError): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.emitError(this.id, error);
  }

  private send(update: { changes: PageChange[]; append?: LivePagesUpdate['append'] }): void {
    if (this.closed) return;
    this.version += 1;
    this.sink.emitPages(this.id, {
      pagesId: this.id,
      version: this.version,
      ...update,
      hasNextPage: this.set.hasNextPage,
    });
  }
}
