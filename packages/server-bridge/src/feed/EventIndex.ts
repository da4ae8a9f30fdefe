import type { Document } from 'mongodb';
import { updateTouches } from '../access/filterPaths.js';
import { indexKeysAt } from '../live-query/equality.js';
import { valueKey } from '../live-query/valueKey.js';
import type { DispatchPredicate } from './dispatchPredicate.js';

/** Operation types that carry a document, where row filters and field equalities apply. */
const DOCUMENT_OPS = new Set(['insert', 'update', 'replace', 'delete']);

interface FieldDim<S> {
  path: string;
  segments: string[][];
  byKey: Map<string, Set<S>>;
  /** Subscriptions of this path whose guard may turn an unplaceable event into a removal. */
  removals: Set<S>;
}

/**
 * Finds the subscriptions of a feed that an event may concern without scanning them all: each
 * subscription is indexed by one {@link DispatchPredicate}; those without one always qualify. The
 * answer is a superset of the subscriptions that receive the event (each still evaluates it), so
 * per-event work grows with the subscriptions an event concerns, not with all of them.
 *
 * @example
 * const index = new EventIndex<Group>();
 * index.add(group, { dim: 'field', path: 'owner', keys: ['sann'], removals: true });
 * index.candidates(event); // Set { group } for ann's documents
 */
export class EventIndex<S> {
  private readonly unindexed = new Set<S>();
  private readonly docIds = new Map<string, Set<S>>();
  private readonly colls = new Map<string, Set<S>>();
  private readonly ops = new Map<string, Set<S>>();
  private readonly fields = new Map<string, FieldDim<S>>();
  private readonly predicates = new Map<S, DispatchPredicate | undefined>();

  get size(): number {
    return this.predicates.size;
  }

  /** True when {@link candidates} looks into the documents of an event (some field dimension exists). */
  get readsImages(): boolean {
    return this.fields.size > 0;
  }

  /** Every subscription in the index. */
  all(): IterableIterator<S> {
    return this.predicates.keys();
  }

  add(sub: S, predicate: DispatchPredicate | undefined): void {
    if (this.predicates.has(sub)) this.remove(sub);
    this.predicates.set(sub, predicate);
    if (!predicate) {
      this.unindexed.add(sub);
      return;
    }
    if (predicate.dim === 'field') {
      let dim = this.fields.get(predicate.path);
      if (!dim) {
        dim = { path: predicate.path, segments: [predicate.path.split('.')], byKey: new Map(), removals: new Set() };
        this.fields.set(predicate.path, dim);
      }
      for (const key of predicate.keys) addTo(dim.byKey, key, sub);
      if (predicate.removals) dim.removals.add(sub);
      return;
    }
    const map = predicate.dim === 'docId' ? this.docIds : predicate.dim === 'coll' ? this.colls : this.ops;
    for (const key of predicate.keys) addTo(map, key, sub);
  }

  remove(sub: S): void {
    if (!this.predicates.has(sub)) return;
    const predicate = this.predicates.get(sub);
    this.predicates.delete(sub);
    this.unindexed.delete(sub);
    if (!predicate) return;
    if (predicate.dim === 'field') {
      const dim = this.fields.get(predicate.path);
      if (!dim) return;
      for (const key of predicate.keys) removeFrom(dim.byKey, key, sub);
      dim.removals.delete(sub);
      if (dim.byKey.size === 0) this.fields.delete(predicate.path);
      return;
    }
    const map = predicate.dim === 'docId' ? this.docIds : predicate.dim === 'coll' ? this.colls : this.ops;
    for (const key of predicate.keys) removeFrom(map, key, sub);
  }

  /** The subscriptions `event` may concern. `post`/`pre` are its number-normalized images. */
  candidates(event: Document, post?: Document | null, pre?: Document | null): Set<S> {
    const op = event.operationType as string;
    // DDL and invalidations carry no document: every subscription's own stages decide.
    if (!DOCUMENT_OPS.has(op)) return new Set(this.predicates.keys());
    const out = new Set<S>(this.unindexed);
    const id = (event.documentKey as Document | undefined)?._id;
    if (id !== undefined) addAll(out, this.docIds.get(valueKey(id)));
    const coll = (event.ns as Document | undefined)?.coll;
    if (typeof coll === 'string') addAll(out, this.colls.get(valueKey(coll)));
    addAll(out, this.ops.get(valueKey(op)));
    if (this.fields.size === 0) return out;
    const postDoc = post === undefined ? (event.fullDocument as Document | null | undefined) : post;
    const preDoc = pre === undefined ? (event.fullDocumentBeforeChange as Document | null | undefined) : pre;
    for (const dim of this.fields.values()) {
      for (const image of [postDoc, preDoc]) {
        if (!image) continue;
        for (const key of indexKeysAt(image, dim.path)) addAll(out, dim.byKey.get(key));
      }
      if (dim.removals.size > 0 && !preDoc && unplaceable(op, event, postDoc, dim)) addAll(out, dim.removals);
    }
    return out;
  }
}

/**
 * Without a pre-image, a row-filtered guard may send a removal for a delete, a replace, an update
 * whose lookup found nothing, or an update that touched the filter's field.
 */
function unplaceable<S>(op: string, event: Document, post: Document | null | undefined, dim: FieldDim<S>): boolean {
  if (op === 'delete' || op === 'replace') return true;
  if (op !== 'update') return false;
  return !post || updateTouches(event.updateDescription, dim.segments);
}

function addTo<S>(map: Map<string, Set<S>>, key: string, sub: S): void {
  const set = map.get(key);
  if (set) set.add(sub);
  else map.set(key, new Set([sub]));
}

function removeFrom<S>(map: Map<string, Set<S>>, key: string, sub: S): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(sub);
  if (set.size === 0) map.delete(key);
}

function addAll<S>(out: Set<S>, from: Set<S> | undefined): void {
  if (from) for (const s of from) out.add(s);
}
