import { Aggregator } from 'mingo/aggregator';
import { Query } from 'mingo/query';
import type { Document } from 'mongodb';
import { Timestamp } from '../driverBson.js';
import { BridgeError, sanitizeMessage } from '../errors.js';
import { boundedContext } from './boundedContext.js';
import { EvaluationBudget, EvaluationError, type EvaluationLimits } from './EvaluationBudget.js';
import { prepareFilter, preparePipeline } from './prepare.js';

/** mingo options for client code: no scripts, one budget per compiled filter or pipeline. */
function mingoOptions(budget: EvaluationBudget, variables: Record<string, unknown>) {
  return { context: boundedContext(budget), scriptEnabled: false, useStrictMode: true, variables };
}

/** Runs one evaluation: fresh budget, and mingo's own errors turned into an {@link EvaluationError}. */
function evaluate<T>(budget: EvaluationBudget, what: string, run: () => T): T {
  budget.begin();
  try {
    return run();
  } catch (error) {
    if (error instanceof BridgeError) throw error;
    throw new EvaluationError('SERVER_ERROR', `${what} failed on a document: ${sanitizeMessage(messageOf(error))}`);
  }
}

function compile<T>(what: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof BridgeError) throw error;
    throw new BridgeError('INVALID_REQUEST', `invalid ${what}: ${sanitizeMessage(messageOf(error))}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `$$CLUSTER_TIME` when the caller has none: now, as MongoDB would stamp it (seconds, increment 0). */
function clusterTimeNow(): Timestamp {
  return new Timestamp({ t: Math.floor(Date.now() / 1000), i: 0 });
}

/**
 * A filter the bridge evaluates itself (live-query matching, the row filter of a restricted change
 * stream), bounded: every operator call counts against {@link EvaluationLimits}, growth operators
 * are size-checked before they build, regular expressions run in linear time, `$comment` and
 * `$$CLUSTER_TIME` work. A malformed filter throws INVALID_REQUEST when compiled; `test` throws an
 * {@link EvaluationError} (LIMIT_EXCEEDED or SERVER_ERROR) when one document cannot be evaluated
 * within the bounds: the caller ends that one subscription.
 *
 * @example
 * const filter = new BoundedFilter({ $expr: { $gt: [{ $size: { $range: [0, '$n'] } }, 3] } }, limits);
 * filter.test(normalizedDoc) // true / false, or throws EvaluationError
 */
export class BoundedFilter {
  private readonly budget: EvaluationBudget;
  private readonly variables: Record<string, unknown> = {};
  private readonly query: Query;
  readonly matchesAll: boolean;

  constructor(filter: Document, limits: EvaluationLimits) {
    this.budget = new EvaluationBudget(limits);
    const prepared = compile('filter', () => prepareFilter(filter));
    this.matchesAll = Object.keys(prepared).length === 0;
    this.query = compile('filter', () => new Query(prepared, mingoOptions(this.budget, this.variables)));
  }

  /** Whether a number-normalized document matches. */
  test(doc: Document, clusterTime?: Timestamp): boolean {
    if (this.matchesAll) return true;
    this.variables.CLUSTER_TIME = clusterTime ?? clusterTimeNow();
    return evaluate(this.budget, 'the filter', () => this.query.test(doc));
  }
}

/**
 * A client pipeline the bridge runs itself on one document at a time (a restricted change stream's
 * stages, after the access rules), with the same bounds as {@link BoundedFilter}.
 *
 * @example
 * const stages = new BoundedPipeline([{ $match: { 'fullDocument.name': /^a/ } }], limits);
 * stages.run(event, event.clusterTime) // the event, reshaped, or undefined when filtered out
 */
export class BoundedPipeline {
  private readonly budget: EvaluationBudget;
  private readonly variables: Record<string, unknown> = {};
  private readonly aggregator: Aggregator;

  constructor(stages: readonly Document[], limits: EvaluationLimits) {
    this.budget = new EvaluationBudget(limits);
    const prepared = compile('pipeline', () => preparePipeline(stages));
    this.aggregator = compile('pipeline', () => new Aggregator(prepared, mingoOptions(this.budget, this.variables)));
  }

  run(doc: Document, clusterTime?: Timestamp): Document | undefined {
    this.variables.CLUSTER_TIME = clusterTime ?? clusterTimeNow();
    return evaluate(this.budget, 'the pipeline', () => (this.aggregator.run([doc]) as Document[])[0]);
  }
}
