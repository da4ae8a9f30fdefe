import { BridgeError } from '../errors.js';

/**
 * Bounds of everything the bridge evaluates itself with mingo: client pipelines on restricted
 * change streams, live-query filters (including `$expr`), and their dry runs at subscribe time.
 */
export interface EvaluationLimits {
  /** Operator calls one evaluation (one document through one filter or pipeline) may make. */
  maxEvaluationOps: number;
  /** Wall-clock budget of one evaluation, checked between operator calls (a backstop to the op count). */
  maxEvaluationMs: number;
  /** Longest array an expression may build (`$range`, `$concatArrays`, `$map`...). */
  maxEvaluatedArrayLength: number;
  /** Longest string an expression may build (`$concat`, `$replaceAll`...). */
  maxEvaluatedStringLength: number;
  /** Longest string a regular expression is run on (regexes run on a linear-time engine). */
  maxRegexInputLength: number;
}

export const DEFAULT_EVALUATION_LIMITS: Readonly<EvaluationLimits> = Object.freeze({
  maxEvaluationOps: 100_000,
  maxEvaluationMs: 50,
  maxEvaluatedArrayLength: 100_000,
  maxEvaluatedStringLength: 1_000_000,
  maxRegexInputLength: 10_000,
});

/**
 * An error of one evaluation on one document, after the subscription was accepted: the filter or
 * pipeline of THAT subscription failed (a budget ran out, `$toInt` met a string...). Whoever
 * dispatches events catches it and ends only the subscription (or live query) whose evaluator
 * threw; every other subscription of the stream goes on.
 *
 * @example
 * try { out = guard.apply(event) } catch (e) { if (e instanceof EvaluationError) endThatSubscription(toWireError(e)) }
 */
export class EvaluationError extends BridgeError {
  /** Always 'subscription': the failure belongs to the evaluator that threw, not to the stream. */
  readonly scope = 'subscription' as const;
  constructor(code: 'LIMIT_EXCEEDED' | 'SERVER_ERROR', message: string) {
    super(code, message);
    this.name = 'EvaluationError';
  }
}

/**
 * Counts the work of one evaluation. `begin()` starts a new one; every operator call `tick()`s;
 * regex scans `charge()` in proportion to their input. Exceeding either budget throws a
 * LIMIT_EXCEEDED {@link EvaluationError} naming the limit.
 *
 * @example
 * budget.begin(); query.test(doc); // each operator inside ticks the budget
 */
export class EvaluationBudget {
  private ops = 0;
  private deadline = 0;

  constructor(readonly limits: EvaluationLimits) {}

  begin(): void {
    this.ops = 0;
    this.deadline = performance.now() + this.limits.maxEvaluationMs;
  }

  tick(): void {
    this.ops += 1;
    if (this.ops > this.limits.maxEvaluationOps) this.overOps();
    if ((this.ops & 255) === 0) this.checkTime();
  }

  /** Charges `units` operations at once and checks the clock (after a regex scan, say). */
  charge(units: number): void {
    this.ops += units;
    if (this.ops > this.limits.maxEvaluationOps) this.overOps();
    this.checkTime();
  }

  /** Throws when a value built by `operator` is longer than the limits allow. */
  checkSize(operator: string, value: unknown): void {
    if (Array.isArray(value)) {
      if (value.length > this.limits.maxEvaluatedArrayLength)
        throw tooLarge(operator, `an array of ${value.length} elements`, 'maxEvaluatedArrayLength', this.limits);
    } else if (typeof value === 'string' && value.length > this.limits.maxEvaluatedStringLength)
      throw tooLarge(operator, `a string of ${value.length} characters`, 'maxEvaluatedStringLength', this.limits);
  }

  private checkTime(): void {
    if (performance.now() > this.deadline)
      throw new EvaluationError(
        'LIMIT_EXCEEDED',
        `evaluation took longer than maxEvaluationMs (${this.limits.maxEvaluationMs} ms) on one document`,
      );
  }

  private overOps(): never {
    throw new EvaluationError(
      'LIMIT_EXCEEDED',
      `evaluation needs more than maxEvaluationOps (${this.limits.maxEvaluationOps}) operations on one document`,
    );
  }
}

function tooLarge(operator: string, what: string, limit: keyof EvaluationLimits, limits: EvaluationLimits) {
  return new EvaluationError('LIMIT_EXCEEDED', `${operator} would build ${what}, over ${limit} (${limits[limit]})`);
}
