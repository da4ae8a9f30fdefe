import type { LivePages, LivePagesState } from '@mongo-live/client';
import { EJSON } from 'bson';
import type { Collection, Document } from 'mongodb';

/**
 * Resolves once `predicate` holds for the live pages' state, re-checking on every change (no
 * timers: the test's own timeout bounds the wait).
 *
 * @example
 * await untilPages(pages, (s) => s.status === 'live' && s.pages.length === 2);
 */
export function untilPages<T>(pages: LivePages<T>, predicate: (state: LivePagesState<T>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (predicate(pages.getSnapshot())) return resolve();
    const off = pages.subscribe(() => {
      if (predicate(pages.getSnapshot())) {
        off();
        resolve();
      }
    });
  });
}

/** Relaxed EJSON text, so 5 (int) and 5 (double) compare equal. */
export function canon(docs: readonly unknown[]): string {
  return EJSON.stringify(docs, { relaxed: true });
}

/** A fresh find() with the `_id` tiebreak the bridge adds. */
export function freshFind(
  coll: Collection<Document>,
  filter: Document,
  sort: Array<[string, 1 | -1]>,
  projection?: Document,
) {
  const full: Array<[string, 1 | -1]> = [...sort];
  if (!full.some(([f]) => f === '_id')) full.push(['_id', 1]);
  return coll.find(filter, { sort: full, ...(projection ? { projection } : {}) }).toArray();
}

/**
 * The pages are a prefix of the fresh find (nothing twice, nothing skipped, in order), and
 * `hasNextPage` tells the truth: true exactly when the find has more than the pages hold.
 */
export function matchesFind(state: LivePagesState<Document>, expected: readonly Document[]): boolean {
  const flat = state.pages.flat();
  if (state.hasNextPage !== flat.length < expected.length) return false;
  return canon(flat) === canon(expected.slice(0, flat.length));
}
