import { Query } from 'mingo';
import type { Document } from 'mongodb';
import { normalizeNumbers } from './normalize.js';

/** Decides whether a (number-normalized) document matches a query filter. */
export type Matcher = (normalizedDoc: Document) => boolean;

/**
 * Compiles a MongoDB filter into a predicate with mingo. The filter's numbers are normalized here;
 * documents must be passed through {@link normalizeNumbers} once per event by the caller, so one
 * normalization serves every live query of the collection.
 *
 * @example
 * const matches = compileMatcher({ qty: { $gt: Long.fromNumber(3) } });
 * matches(normalizeNumbers(doc));
 */
export function compileMatcher(filter: Document): Matcher {
  if (Object.keys(filter).length === 0) return () => true;
  const query = new Query(normalizeNumbers(filter));
  return (doc) => query.test(doc);
}
