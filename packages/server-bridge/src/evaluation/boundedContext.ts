import { Context, evalExpr } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import { BridgeError } from '../errors.js';
import { namesForbiddenKey } from '../validation/fieldNames.js';
import { type EvaluationBudget, EvaluationError } from './EvaluationBudget.js';
import { LinearRegExp } from './LinearRegExp.js';

// mingo's operator signatures, loosely: the bridge only wraps them.
type ExprOp = (obj: unknown, expr: unknown, options: unknown) => unknown;
type QueryOp = (selector: string, value: unknown, options: unknown) => (doc: unknown) => boolean;
type Ops<T> = Record<string, T>;

/** Never available to clients, even if a guard upstream missed them: they run JavaScript or read elsewhere. */
const REMOVED = new Set([
  '$function',
  '$accumulator',
  '$where',
  '$jsonSchema',
  '$lookup',
  '$graphLookup',
  '$unionWith',
  '$out',
  '$merge',
  '$facet',
  '$documents',
]);

/** Expressions whose result can be far larger than their arguments: sizes are checked before building. */
const GROWTH_CHECKS: Record<string, (args: unknown, budget: EvaluationBudget) => void> = {
  $range(args, budget) {
    const [start, end, step = 1] = Array.isArray(args) ? args : [];
    if (typeof start !== 'number' || typeof end !== 'number' || typeof step !== 'number' || step === 0) return;
    const count = Math.max(0, Math.ceil((end - start) / step));
    if (count > budget.limits.maxEvaluatedArrayLength)
      throw new EvaluationError(
        'LIMIT_EXCEEDED',
        `$range would build an array of ${count} elements, over maxEvaluatedArrayLength (${budget.limits.maxEvaluatedArrayLength})`,
      );
  },
  $concat: (args, budget) => checkSum('$concat', args, budget),
  $concatArrays: (args, budget) => checkSum('$concatArrays', args, budget),
  $replaceAll(args, budget) {
    const { input, find, replacement } = (args ?? {}) as { input?: unknown; find?: unknown; replacement?: unknown };
    if (typeof input !== 'string' || typeof find !== 'string' || typeof replacement !== 'string') return;
    if (replacement.length <= find.length || find.length === 0) return;
    const count = input.split(find).length - 1;
    const size = input.length + count * (replacement.length - find.length);
    if (size > budget.limits.maxEvaluatedStringLength)
      throw new EvaluationError(
        'LIMIT_EXCEEDED',
        `$replaceAll would build a string of ${size} characters, over maxEvaluatedStringLength (${budget.limits.maxEvaluatedStringLength})`,
      );
  },
};

function checkSum(operator: string, args: unknown, budget: EvaluationBudget): void {
  if (!Array.isArray(args)) return;
  let total = 0;
  for (const a of args) if (typeof a === 'string' || Array.isArray(a)) total += a.length;
  const strings = operator === '$concat';
  const limit = strings ? budget.limits.maxEvaluatedStringLength : budget.limits.maxEvaluatedArrayLength;
  if (total > limit)
    throw new EvaluationError(
      'LIMIT_EXCEEDED',
      `${operator} would build ${strings ? 'a string' : 'an array'} of ${total} ${strings ? 'characters' : 'elements'}, over ${strings ? 'maxEvaluatedStringLength' : 'maxEvaluatedArrayLength'} (${limit})`,
    );
}

/** Wraps a value as an expression that evaluates to itself (strings starting with `$` included). */
const literal = (value: unknown) => ({ $literal: value });

/**
 * A mingo context with every standard operator, in which each expression and query operator
 * call ticks `budget`, results are size-checked, growth operators are checked before they build,
 * regular expressions run on {@link LinearRegExp}, and field names through prototypes are refused.
 */
export function boundedContext(budget: EvaluationBudget): Context {
  const expression: Ops<ExprOp> = {};
  for (const [name, op] of Object.entries(expressionOperators as unknown as Ops<ExprOp>)) {
    if (REMOVED.has(name) || typeof op !== 'function') continue;
    const growth = GROWTH_CHECKS[name];
    expression[name] = growth
      ? (obj, expr, options) => {
          budget.tick();
          const args = evalExpr(obj as never, expr as never, options as never);
          growth(args, budget);
          const out = op(obj, Array.isArray(args) ? args.map(literal) : literal(args), options);
          budget.checkSize(name, out);
          return out;
        }
      : (obj, expr, options) => {
          budget.tick();
          const out = op(obj, expr, options);
          budget.checkSize(name, out);
          return out;
        };
  }
  // $replaceAll takes an object of arguments: evaluate it, check, then pass literals.
  const replaceAll = (expressionOperators as unknown as Ops<ExprOp>).$replaceAll!;
  expression.$replaceAll = (obj, expr, options) => {
    budget.tick();
    const args = evalExpr(obj as never, expr as never, options as never) as Record<string, unknown>;
    GROWTH_CHECKS.$replaceAll!(args, budget);
    const lit: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args ?? {})) lit[k] = literal(v);
    const out = replaceAll(obj, lit, options);
    budget.checkSize('$replaceAll', out);
    return out;
  };
  for (const name of ['$regexMatch', '$regexFind', '$regexFindAll'] as const)
    expression[name] = (obj, expr, options) => {
      budget.tick();
      return regexSearch(name, evalExpr(obj as never, expr as never, options as never), budget);
    };
  for (const name of ['$getField', '$setField', '$unsetField'] as const) {
    const op = (expressionOperators as unknown as Ops<ExprOp>)[name]!;
    expression[name] = (obj, expr, options) => {
      budget.tick();
      const field =
        expr !== null && typeof expr === 'object' && !Array.isArray(expr) ? (expr as { field?: unknown }).field : expr;
      const name_ = typeof field === 'string' ? field : evalExpr(obj as never, field as never, options as never);
      if (typeof name_ === 'string' && namesForbiddenKey(name_.replace(/^\$+/, '')))
        throw new EvaluationError('SERVER_ERROR', `${name}: the field '${name_.slice(0, 60)}' cannot be read or set`);
      return op(obj, expr, options);
    };
  }

  const query: Ops<QueryOp> = {};
  for (const [name, op] of Object.entries(queryOperators as unknown as Ops<QueryOp>)) {
    if (REMOVED.has(name) || typeof op !== 'function') continue;
    query[name] = (selector, value, options) => {
      if (namesForbiddenKey(selector))
        throw new BridgeError('INVALID_REQUEST', `forbidden key in the field path '${selector.slice(0, 100)}'`);
      const predicate = op(selector, linearValue(name, value, budget), options);
      return (doc) => {
        budget.tick();
        return predicate(doc);
      };
    };
  }

  const removedOps = (ops: object) => Object.fromEntries(Object.entries(ops).filter(([name]) => !REMOVED.has(name)));
  return Context.init({
    accumulator: removedOps(accumulatorOperators) as never,
    expression: expression as never,
    pipeline: removedOps(pipelineOperators) as never,
    projection: projectionOperators as never,
    query: query as never,
  });
}

/** The operand of a query operator, with its regular expressions made linear-time. */
function linearValue(operator: string, value: unknown, budget: EvaluationBudget): unknown {
  if (operator === '$regex' && value instanceof RegExp) return LinearRegExp.from(value, budget);
  if ((operator === '$in' || operator === '$nin') && Array.isArray(value))
    return value.map((v) => (v instanceof RegExp ? LinearRegExp.from(v, budget) : v));
  return value;
}

/** `$regexMatch` / `$regexFind` / `$regexFindAll` with MongoDB's result shapes, on RE2. */
function regexSearch(operator: string, args: unknown, budget: EvaluationBudget): unknown {
  const { input, regex, options } = (args ?? {}) as { input?: unknown; regex?: unknown; options?: unknown };
  const none = operator === '$regexMatch' ? false : operator === '$regexFind' ? null : [];
  if (typeof input !== 'string') return none;
  if (!(typeof regex === 'string' || regex instanceof RegExp))
    throw new EvaluationError('SERVER_ERROR', `${operator} needs a regex that is a string or a regular expression`);
  const re = LinearRegExp.from(regex, budget, typeof options === 'string' ? options : '');
  const shape = (m: RegExpExecArray) => ({
    match: m[0],
    idx: m.index,
    captures: Array.from({ length: m.length - 1 }, (_, i) => m[i + 1] ?? null),
  });
  if (operator === '$regexMatch') return re.test(input);
  if (operator === '$regexFind') {
    const m = re.exec(input);
    return m ? shape(m) : null;
  }
  return re.execAll(input).map(shape);
}
