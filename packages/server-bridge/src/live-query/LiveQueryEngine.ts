import type { EJSONDocument, LiveQueryDiff } from '@mongo-live/protocol';
import type { Document } from 'mongodb';
import type { EffectiveQuery } from '../access/effectiveQuery.js';
import { Projection } from '../access/Projection.js';
import { encode } from '../driverBson.js';
import { BridgeError } from '../errors.js';
import { EvaluationError, type EvaluationLimits } from '../evaluation/EvaluationBudget.js';
import { type BridgeLimits, DEFAULT_LIMITS } from '../limits.js';
import { type EqualityPredicate, equalityPredicateOf } from './equality.js';
import { listDiff } from './listDiff.js';
import { compileMatcher, type Matcher } from './matcher.js';
import { ResultWindow, type WindowEntry } from './ResultWindow.js';
import { SortOrder } from './SortOrder.js';
import { valueKey } from './valueKey.js';

/** Result of applying one change to a live query. */
export interface ApplyResult {
  diffs: LiveQueryDiff[];
  /** The window lost a member it cannot replace from memory: re-read it from the database. */
  refill: boolean;
}

/** The limits a live query's engine enforces: evaluation budgets and the result-set cap. */
export type EngineLimits = EvaluationLimits & Pick<BridgeLimits, 'maxQueryResults'>;

/** Tells the dispatch index which documents a query's window holds. */
export interface MembershipListener {
  entered(docId: string): void;
  left(docId: string): void;
}

/**
 * The logic of one live query, without I/O: keeps the first skip+limit matching documents in
 * sort order and turns each document change into diffs of the visible part (after `skip`). The
 * skipped ones may be held as their `_id` and sort keys only ({@link keyPrefix}): they are placed
 * and moved like the others, and when one of them would come into view the event asks for a refill.
 *
 * @example
 * const engine = new LiveQueryEngine({ db: 'd', collection: 'c', filter: { a: 1 }, limit: 2 });
 * engine.load(await coll.find(engine.filter).sort(engine.order.mongoSort).limit(engine.capacity).toArray());
 * const { diffs, refill } = engine.apply(valueKey(doc._id), doc, normalizeNumbers(doc));
 */
export class LiveQueryEngine {
  readonly filter: Document;
  readonly order: SortOrder;
  readonly skip: number;
  /** skip + limit, or Infinity: how many documents the window keeps. */
  readonly capacity: number;
  readonly predicate: EqualityPredicate | undefined;
  private readonly matcher: Matcher;
  private readonly projection: Projection;
  private readonly window: ResultWindow;
  /** Most documents a query without limit may hold (`maxQueryResults`). */
  private readonly maxResults: number;
  /** Set while applying an event that needs a key-only prefix entry in view: the event asks for a refill. */
  private lostPrefixEntry = false;

  constructor(
    query: EffectiveQuery,
    private readonly membership: MembershipListener = { entered() {}, left() {} },
    /** Bounds of the filter's evaluation and of the result (the bridge's limits). */
    limits: EngineLimits = DEFAULT_LIMITS,
  ) {
    this.maxResults = limits.maxQueryResults;
    this.filter = query.filter;
    this.order = new SortOrder(query.sort);
    this.skip = query.skip ?? 0;
    this.capacity = query.limit ? this.skip + Math.abs(query.limit) : Number.POSITIVE_INFINITY;
    this.predicate = equalityPredicateOf(query.filter);
    this.matcher = compileMatcher(query.filter, limits);
    this.projection = Projection.compile(query.projection);
    this.window = new ResultWindow(this.order, this.capacity);
  }

  /**
   * Limit for the database read of the window: skip + limit, or one more than `maxQueryResults`
   * for a query without limit (so that a larger result is noticed without being read whole).
   */
  get fetchLimit(): number {
    return Number.isFinite(this.capacity) ? this.capacity : this.maxResults + 1;
  }

  /**
   * How the skipped prefix is read: its `count` documents as their `_id` and sort keys only
   * (`projection`), the visible part from MongoDB's `skip` on. Undefined without a skip, or when a
   * sort path cannot be projected faithfully (a numeric segment is an array index in a sort but a
   * field name in a projection): then the prefix is read whole.
   */
  get keyPrefix(): { count: number; projection: Document } | undefined {
    if (this.skip === 0) return undefined;
    const paths = this.order.fields.map(([path]) => path);
    if (paths.some((path) => path.split('.').some((segment) => /^\d+$/.test(segment)))) return undefined;
    const projection: Document = {};
    // A path inside another projected path would be a path collision: the outer one suffices.
    for (const path of paths)
      if (!paths.some((other) => other !== path && path.startsWith(`${other}.`))) projection[path] = 1;
    return { count: this.skip, projection };
  }

  /** Ids of the documents the window holds (including the skipped ones). */
  docIds(): IterableIterator<string> {
    return this.window.ids();
  }

  /** The visible result, as sent to clients. */
  visible(): EJSONDocument[] {
    const out: EJSONDocument[] = [];
    for (let i = this.skip; i < this.window.length; i++) out.push((this.window.at(i) as WindowEntry).view);
    return out;
  }

  /**
   * Sets the window from a database read (first skip+limit documents of the result); the first
   * `keyOnly` of them hold only their `_id` and sort keys (see {@link keyPrefix}).
   */
  load(docs: Document[], keyOnly = 0): void {
    this.refresh(docs, keyOnly);
  }

  /** Replaces the window with a fresh database read; returns the diffs of the visible part. */
  refresh(docs: Document[], keyOnly = 0): LiveQueryDiff[] {
    if (!Number.isFinite(this.capacity) && docs.length > this.maxResults) throw this.tooMany(BridgeError);
    if (keyOnly > this.skip) throw new RangeError(`${keyOnly} key-only documents, more than the skip (${this.skip})`);
    const entries = docs.map((d, i) => (i < keyOnly ? this.keyEntry(d) : this.entry(d)));
    entries.sort((a, b) => this.order.compare(a.keys, b.keys));
    if (entries.length > this.capacity) entries.length = this.capacity;
    const before = this.window.list().slice(this.skip);
    for (const id of this.window.ids()) this.membership.left(id);
    this.window.replace(entries);
    for (const e of entries) this.membership.entered(e.id);
    return listDiff(before, entries.slice(this.skip));
  }

  /**
   * Applies the new state of one document: `doc` is its post-image, or null when it is gone;
   * `normalized` is `normalizeNumbers(doc)`, computed once per event for every query.
   */
  apply(docId: string, doc: Document | null, normalized: Document | null): ApplyResult {
    this.lostPrefixEntry = false;
    const result = this.applyChange(docId, doc, normalized);
    if (this.lostPrefixEntry) result.refill = true;
    return result;
  }

  private applyChange(docId: string, doc: Document | null, normalized: Document | null): ApplyResult {
    const diffs: LiveQueryDiff[] = [];
    const current = this.window.get(docId);
    const oldIndex = current ? this.window.indexOf(current) : -1;
    const matches = doc !== null && normalized !== null && this.matcher(normalized);
    if (!matches) {
      if (oldIndex < 0) return { diffs, refill: false };
      const wasFull = this.window.full;
      this.removeAt(oldIndex, diffs);
      return { diffs, refill: wasFull && Number.isFinite(this.capacity) };
    }
    const next = this.entry(doc);
    if (oldIndex < 0) {
      const at = this.window.insertionIndex(next.keys);
      if (at >= this.capacity) return { diffs, refill: false }; // beyond the window
      if (!Number.isFinite(this.capacity) && this.window.length >= this.maxResults) throw this.tooMany(EvaluationError);
      this.insertAt(at, next, diffs);
      return { diffs, refill: false };
    }
    const wasFull = this.window.full;
    this.window.removeAt(oldIndex);
    const to = this.window.insertionIndex(next.keys);
    this.window.insertAt(to, next);
    this.describeMove(oldIndex, to, current as WindowEntry, next, diffs);
    // A member that moved to the end of a full window may now rank after documents outside it.
    const grew = this.order.compare(next.keys, (current as WindowEntry).keys) > 0;
    const refill = wasFull && Number.isFinite(this.capacity) && to === this.window.length - 1 && grew;
    return { diffs, refill };
  }

  private tooMany(Type: typeof BridgeError | typeof EvaluationError): BridgeError {
    return new Type(
      'LIMIT_EXCEEDED',
      `a live query without limit may hold at most maxQueryResults (${this.maxResults}) documents and this one matches more: give it a limit`,
    );
  }

  private entry(doc: Document): WindowEntry {
    const view = encode(this.projection.apply(doc)) as EJSONDocument;
    return { id: valueKey(doc._id), doc, keys: this.order.keysOf(doc), view, viewJson: JSON.stringify(view) };
  }

  /** A skipped document read as its keys: it can be placed and moved, but not shown. */
  private keyEntry(doc: Document): WindowEntry {
    return { id: valueKey(doc._id), doc, keys: this.order.keysOf(doc), view: {}, viewJson: '', keyOnly: true };
  }

  /**
   * The visible part gained the prefix's last entry at index `skip`. Shown when the bridge holds
   * it; a key-only one is dropped from the window instead (the visible part stays as the clients
   * have it) and the event asks for a refill, whose diffs add what is missing.
   */
  private pushedIntoView(diffs: LiveQueryDiff[]): void {
    const entry = this.window.at(this.skip) as WindowEntry;
    if (!entry.keyOnly) {
      diffs.push({ op: 'added', index: 0, doc: entry.view });
      return;
    }
    this.window.removeAt(this.skip);
    this.membership.left(entry.id);
    this.lostPrefixEntry = true;
  }

  private removeAt(index: number, diffs: LiveQueryDiff[]): void {
    const entry = this.window.removeAt(index);
    this.membership.left(entry.id);
    if (index >= this.skip) diffs.push({ op: 'removed', index: index - this.skip });
    // Removing from the skipped prefix pulls the first visible document into it.
    else if (this.window.length >= this.skip) diffs.push({ op: 'removed', index: 0 });
  }

  private insertAt(index: number, entry: WindowEntry, diffs: LiveQueryDiff[]): void {
    this.window.insertAt(index, entry);
    this.membership.entered(entry.id);
    if (index >= this.skip) diffs.push({ op: 'added', index: index - this.skip, doc: entry.view });
    // Inserting into the skipped prefix pushes its last document into view.
    else if (this.window.length > this.skip) this.pushedIntoView(diffs);
    if (this.window.length > this.capacity) {
      const dropped = this.window.removeAt(this.window.length - 1);
      this.membership.left(dropped.id);
      diffs.push({ op: 'removed', index: this.window.length - this.skip });
    }
  }

  /** Diffs for an entry that was at `from` and now is at `to` (index after its removal). */
  private describeMove(from: number, to: number, before: WindowEntry, after: WindowEntry, diffs: LiveQueryDiff[]) {
    const visibleChange = before.viewJson !== after.viewJson;
    const s = this.skip;
    if (from >= s && to >= s) {
      if (from !== to) {
        diffs.push(
          visibleChange
            ? { op: 'moved', from: from - s, to: to - s, doc: after.view }
            : { op: 'moved', from: from - s, to: to - s },
        );
      } else if (visibleChange) diffs.push({ op: 'changed', index: to - s, doc: after.view });
      return;
    }
    if (from < s && to < s) return; // stays in the skipped prefix
    // Crossing the skip boundary: the window already holds the new order; describe it as the
    // visible document that left and the one that entered.
    if (from < s) {
      // The entry left the prefix: the visible list lost its old first element into the prefix...
      diffs.push({ op: 'removed', index: 0 });
      diffs.push({ op: 'added', index: to - s, doc: after.view });
    } else {
      diffs.push({ op: 'removed', index: from - s });
      this.pushedIntoView(diffs);
    }
  }
}
