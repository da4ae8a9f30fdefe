import type { LiveCountAccepted, LiveCountUpdate, WireError } from '@mongo-live/protocol';
import type { Document, MongoClient } from 'mongodb';
import { BridgeError } from '../errors.js';
import type { EvaluationLimits } from '../evaluation/EvaluationBudget.js';
import { type EqualityPredicate, equalityPredicateOf } from './equality.js';
import type { MembershipListener } from './LiveQueryEngine.js';
import type { LiveView } from './LiveView.js';
import { compileMatcher, type Matcher } from './matcher.js';
import { ReadTime } from './ReadTime.js';
import { readWindow, type WindowRead } from './readWindow.js';
import { valueKey } from './valueKey.js';

/** Where a shared live count sends what happens to it (the bridge's room of `id`). */
export interface LiveCountSink {
  emitCount(countId: string, update: LiveCountUpdate): void;
  emitError(countId: string, error: WireError): void;
}

/**
 * One live count shared by every subscriber of the same effective filter. It keeps the set of
 * the matching documents' ids, not just a number: an update or delete event carries no
 * pre-image a count could trust (pre-images are optional per collection), so whether the
 * document WAS counted is answered by the set. Each event costs O(1) (one match, one set
 * operation); no `countDocuments` per write. The set is bounded by `maxDocs`: a count over more
 * documents is refused (LIMIT_EXCEEDED), never an unbounded memory cost. Re-read in full on
 * resume, HISTORY_LOST and invalidation (the feed calls {@link refresh}).
 *
 * @example
 * const count = new SharedLiveCount('c:shop.orders:…', { userId: 'u1' }, sink, membership, 100_000);
 * count.publish(count.apply(docId, doc, normalizeNumbers(doc)).diffs);
 */
export class SharedLiveCount implements LiveView<number> {
  readonly predicate: EqualityPredicate | undefined;
  readonly subscribers = new Set<string>();
  version = 0;
  closed = false;
  /** Events at or before this cluster time are already reflected in the count. */
  readonly readTime = new ReadTime();
  private readonly matcher: Matcher;
  private readonly ids = new Set<string>();
  /** The count subscribers were last told (the ack's or the last update's). */
  private published = 0;

  constructor(
    readonly id: string,
    readonly filter: Document,
    private readonly sink: LiveCountSink,
    private readonly membership: MembershipListener,
    private readonly maxDocs: number,
    evaluation?: EvaluationLimits,
  ) {
    this.predicate = equalityPredicateOf(filter);
    this.matcher = compileMatcher(filter, evaluation);
  }

  get count(): number {
    return this.ids.size;
  }

  /** The matching ids, one more than allowed so an excess is seen. */
  read(mongo: MongoClient, db: string, collection: string): Promise<WindowRead> {
    return readWindow(mongo, db, collection, {
      filter: this.filter,
      order: { mongoSort: [['_id', 1]] },
      fetchLimit: this.maxDocs + 1,
      readProjection: { _id: 1 },
    });
  }

  load(docs: Document[]): void {
    this.replace(docs);
    this.published = this.ids.size;
  }

  refresh(docs: Document[]): number[] {
    try {
      this.replace(docs);
    } catch (error) {
      // Over the limit after a re-read: this count ends alone, the collection's other views go on.
      this.fail({ code: 'LIMIT_EXCEEDED', message: (error as Error).message });
      return [];
    }
    return [this.ids.size];
  }

  apply(docId: string, doc: Document | null, normalized: Document | null): { diffs: number[]; refill: false } {
    const matches = doc !== null && normalized !== null && this.matcher(normalized);
    const counted = this.ids.has(docId);
    if (matches === counted) return { diffs: [], refill: false };
    if (matches) {
      if (this.ids.size >= this.maxDocs) throw tooMany(this.maxDocs);
      this.ids.add(docId);
      this.membership.entered(docId);
    } else {
      this.ids.delete(docId);
      this.membership.left(docId);
    }
    return { diffs: [this.ids.size], refill: false };
  }

  publish(changes: number[]): void {
    if (changes.length === 0 || this.closed || this.ids.size === this.published) return;
    this.published = this.ids.size;
    this.version += 1;
    this.sink.emitCount(this.id, { countId: this.id, version: this.version, count: this.published });
  }

  docIds(): Iterable<string> {
    return this.ids;
  }

  /** The current count: a subscriber's ack (the session adds its `subId`). */
  snapshot(): Omit<LiveCountAccepted, 'subId'> {
    return { countId: this.id, count: this.ids.size, version: this.version };
  }

  fail(error: WireError): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.emitError(this.id, error);
  }

  private replace(docs: Document[]): void {
    if (docs.length > this.maxDocs) throw tooMany(this.maxDocs);
    for (const id of this.ids) this.membership.left(id);
    this.ids.clear();
    for (const doc of docs) {
      const id = valueKey(doc._id);
      this.ids.add(id);
      this.membership.entered(id);
    }
  }
}

function tooMany(max: number): BridgeError {
  return new BridgeError(
    'LIMIT_EXCEEDED',
    `a live count tracks at most ${max} documents (maxCountedDocuments); narrow the filter`,
  );
}
