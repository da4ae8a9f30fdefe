import type { Document } from 'mongodb';
import { BoundedFilter } from '../evaluation/BoundedEvaluation.js';
import { DEFAULT_EVALUATION_LIMITS, type EvaluationLimits } from '../evaluation/EvaluationBudget.js';

/** Decides whether a (number-normalized) document matches a query filter. */
export type Matcher = (normalizedDoc: Document) => boolean;

/**
 * Compiles a MongoDB filter into a bounded predicate ({@link BoundedFilter}: operation, size and
 * time budgets, linear-time regexes). The filter's numbers are normalized here; documents must be
 * passed through `normalizeNumbers` once per event by the caller, so one normalization serves
 * every live query of the collection. The predicate throws an `EvaluationError` when one
 * document cannot be evaluated within the bounds: the caller ends that live query only.
 *
 * @example
 * const matches = compileMatcher({ qty: { $gt: Long.fromNumber(3) } });
 * matches(normalizeNumbers(doc));
 */
export function compileMatcher(filter: Document, limits: EvaluationLimits = DEFAULT_EVALUATION_LIMITS): Matcher {
  if (Object.keys(filter).length === 0) return () => true;
  const bounded = new BoundedFilter(filter, limits);
  return (doc) => bounded.test(doc);
}
