import type { Document } from 'mongodb';
import { type EqualityPredicate, indexKeysAt } from './equality.js';

/**
 * Finds the live queries of one collection that an event may affect, without scanning them all:
 * queries are indexed by an equality predicate (path → value key → queries); a map from document
 * id to the queries whose window holds it covers documents leaving; queries without an equality
 * predicate are always candidates.
 *
 * @example
 * const index = new QueryIndex<Q>();
 * index.add(q, { path: 'status', keys: ['sopen'] });
 * index.candidates(idKey, normalizedPostImage); // Set { q } when status is 'open' or q holds idKey
 */
export class QueryIndex<Q> {
  private readonly byPath = new Map<string, Map<string, Set<Q>>>();
  private readonly unindexed = new Set<Q>();
  private readonly byDoc = new Map<string, Set<Q>>();
  private readonly predicates = new Map<Q, EqualityPredicate | undefined>();

  get size(): number {
    return this.predicates.size;
  }

  add(query: Q, predicate: EqualityPredicate | undefined): void {
    this.predicates.set(query, predicate);
    if (!predicate) {
      this.unindexed.add(query);
      return;
    }
    const byKey = this.byPath.get(predicate.path) ?? new Map<string, Set<Q>>();
    this.byPath.set(predicate.path, byKey);
    for (const key of predicate.keys) {
      const set = byKey.get(key) ?? new Set<Q>();
      byKey.set(key, set);
      set.add(query);
    }
  }

  /** Removes a query; its documents must have been released with {@link docLeft} or are dropped here. */
  remove(query: Q, docIds: Iterable<string> = []): void {
    for (const id of docIds) this.docLeft(id, query);
    if (!this.predicates.has(query)) return;
    const predicate = this.predicates.get(query);
    this.predicates.delete(query);
    this.unindexed.delete(query);
    if (predicate) {
      const byKey = this.byPath.get(predicate.path);
      for (const key of predicate.keys) {
        const set = byKey?.get(key);
        set?.delete(query);
        if (set?.size === 0) byKey?.delete(key);
      }
      if (byKey?.size === 0) this.byPath.delete(predicate.path);
    }
  }

  docEntered(docId: string, query: Q): void {
    const set = this.byDoc.get(docId);
    if (set) set.add(query);
    else this.byDoc.set(docId, new Set([query]));
  }

  docLeft(docId: string, query: Q): void {
    const set = this.byDoc.get(docId);
    if (!set) return;
    set.delete(query);
    if (set.size === 0) this.byDoc.delete(docId);
  }

  /** Queries that hold `docId` or that the (number-normalized) post-image may enter. */
  candidates(docId: string, normalizedDoc: Document | null): Set<Q> {
    const out = new Set<Q>(this.unindexed);
    const holders = this.byDoc.get(docId);
    if (holders) for (const q of holders) out.add(q);
    if (normalizedDoc) {
      for (const [path, byKey] of this.byPath) {
        for (const key of indexKeysAt(normalizedDoc, path)) {
          const set = byKey.get(key);
          if (set) for (const q of set) out.add(q);
        }
      }
    }
    return out;
  }
}
