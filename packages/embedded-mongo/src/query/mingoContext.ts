import { bsonTypeOf, compareWith } from '@mongo-live/bson-order';
import { Context, evalExpr } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import type { Any, AnyObject, CollationSpec, Options } from 'mingo/types';
import { collationComparator } from './collation.js';
import { arithmeticExpressions, numericAccumulators } from './mingoArithmetic.js';
import { conversionExpressions } from './mingoConversions.js';
import { regexExpressions } from './mingoRegex.js';

/**
 * Operators that replace mingo's own so that aggregation expressions see BSON values the way
 * MongoDB does: comparisons in BSON order (Long, Int32, Double, Decimal128 numerically, ObjectId
 * by bytes) and `$type` names for bson classes.
 */
type ExpressionFn = (obj: AnyObject, expr: Any, options: Options) => Any;

function comparator(options: Options): (a: unknown, b: unknown) => number {
  const strCmp = collationComparator(options.collation as CollationSpec | undefined);
  return (a, b) => compareWith(a, b, strCmp);
}

function twoArgs(obj: AnyObject, expr: Any, options: Options, name: string): [unknown, unknown] {
  const args = evalExpr(obj, expr, options);
  if (!Array.isArray(args) || args.length !== 2) throw new Error(`Expression ${name} takes exactly 2 arguments.`);
  return [args[0], args[1]];
}

function comparison(name: string, test: (c: number) => boolean): ExpressionFn {
  return (obj, expr, options) => {
    const [a, b] = twoArgs(obj, expr, options, name);
    return test(comparator(options)(a, b));
  };
}

const expressionOverrides: Record<`$${string}`, ExpressionFn> = {
  $eq: comparison('$eq', (c) => c === 0),
  $ne: comparison('$ne', (c) => c !== 0),
  $gt: comparison('$gt', (c) => c > 0),
  $gte: comparison('$gte', (c) => c >= 0),
  $lt: comparison('$lt', (c) => c < 0),
  $lte: comparison('$lte', (c) => c <= 0),
  $cmp: (obj, expr, options) => {
    const [a, b] = twoArgs(obj, expr, options, '$cmp');
    return Math.sign(comparator(options)(a, b));
  },
  $in: (obj, expr, options) => {
    const [item, list] = twoArgs(obj, expr, options, '$in');
    if (!Array.isArray(list)) throw new Error(`$in requires an array as a second argument, found: ${bsonTypeOf(list)}`);
    const cmp = comparator(options);
    return list.some((v) => cmp(v, item) === 0);
  },
  $type: (obj, expr, options) => {
    const v = evalExpr(obj, Array.isArray(expr) && expr.length === 1 ? expr[0] : expr, options);
    return bsonTypeOf(v);
  },
};

/**
 * Every mingo operator, with the overrides above taking precedence. Pass it to mingo's base Query
 * and Aggregator classes (`mingo/query`, `mingo/aggregator`): the `mingo` entry point would merge
 * its defaults over it, and with mingo the first context merged wins.
 */
export const bsonContext: Context = Context.from(
  Context.init({
    expression: {
      ...expressionOverrides,
      ...arithmeticExpressions,
      ...conversionExpressions,
      ...regexExpressions,
    } as never,
    accumulator: numericAccumulators as never,
  }),
  Context.init({
    accumulator: accumulatorOperators as never,
    expression: expressionOperators as never,
    pipeline: pipelineOperators as never,
    projection: projectionOperators as never,
    query: queryOperators as never,
    window: windowOperators as never,
  }),
);
