import type { LiveQuery, LiveQueryState } from '@mongo-live/client';
import { EJSON } from 'bson';
import type { Collection, Document } from 'mongodb';

/**
 * Resolves once `predicate` holds for the live query's state, re-checking on every change (no
 * timers: the test's own timeout bounds the wait).
 *
 * @example
 * await until(q, (s) => s.status === 'live' && s.docs.length === 3);
 */
export function until<T>(query: LiveQuery<T>, predicate: (state: LiveQueryState<T>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (predicate(query.getSnapshot())) return resolve();
    const off = query.subscribe(() => {
      if (predicate(query.getSnapshot())) {
        off();
        resolve();
      }
    });
  });
}

/** Comparable text of documents: relaxed EJSON, so 5 (int) and 5 (double) compare equal. */
export function canon(docs: readonly unknown[]): string {
  return EJSON.stringify(docs, { relaxed: true });
}

/** A query in test form: what the live query is asked, and what a fresh find() is. */
export interface TestQuery {
  filter: Document;
  sort: Array<[string, 1 | -1]>;
  skip?: number;
  limit?: number;
  projection?: Document;
}

/**
 * A fresh find() for a test query, with the `_id` tiebreaker that makes the order deterministic.
 *
 * @example
 * expect(canon(q.getSnapshot().docs)).toBe(canon(await freshFind(coll, query)));
 */
export async function freshFind<T extends Document>(coll: Collection<T>, q: TestQuery): Promise<Document[]> {
  const sort: Array<[string, 1 | -1]> = [...q.sort];
  if (!sort.some(([f]) => f === '_id')) sort.push(['_id', 1]);
  let cursor = (coll as unknown as Collection<Document>).find(q.filter, {
    sort,
    ...(q.projection ? { projection: q.projection } : {}),
  });
  if (q.skip) cursor = cursor.skip(q.skip);
  if (q.limit) cursor = cursor.limit(q.limit);
  return cursor.toArray();
}
