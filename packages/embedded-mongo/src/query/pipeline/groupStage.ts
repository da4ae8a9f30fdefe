import type { Document } from 'bson';
import { evalExpr, OpType } from 'mingo/core';
import type { AnyObject, CollationSpec, Options } from 'mingo/types';
import { CommandError, commandError } from '../../errors.js';
import { isPlainObject } from '../bsonType.js';
import { bsonContext } from '../mingoContext.js';
import { bindNow } from '../systemVariables.js';
import { groupKey } from './groupKey.js';
import type { PipelineContext } from './pipelineContext.js';

function mingoOptions(ctx: PipelineContext): Options {
  return {
    context: bsonContext,
    variables: ctx.variables,
    collation: ctx.collation as CollationSpec | undefined,
    idKey: '_id',
    processingMode: 0,
    useStrictMode: true,
    scriptEnabled: false,
    failOnError: true,
  } as Options;
}

/** Evaluates an aggregation expression against a document (mingo, with BSON-aware operators). */
export function evaluate(doc: Document, expr: unknown, ctx: PipelineContext): unknown {
  try {
    return evalExpr(doc, bindNow(expr, ctx.variables), mingoOptions(ctx));
  } catch (e) {
    if (e instanceof CommandError) throw e;
    throw commandError('BadValue', (e as Error).message);
  }
}

/**
 * `$group`: documents with equal keys (MongoDB equality: numbers by value across types) in one
 * group, in order of first appearance; accumulators come from mingo's (BSON-aware) set.
 */
export function groupStage(docs: Document[], spec: unknown, ctx: PipelineContext): Document[] {
  if (!isPlainObject(spec))
    throw new CommandError(15947, 'Location15947', "a group's fields must be specified in an object");
  if (!('_id' in spec)) throw new CommandError(15955, 'Location15955', 'a group specification must include an _id');
  const accumulators: Array<[string, string, unknown]> = [];
  for (const [field, acc] of Object.entries(spec)) {
    if (field === '_id') continue;
    if (field.includes('.'))
      throw new CommandError(40235, 'Location40235', `The field name '${field}' cannot contain '.'`);
    if (!isPlainObject(acc) || Object.keys(acc).length !== 1)
      throw new CommandError(40238, 'Location40238', `The field '${field}' must specify one accumulator`);
    const [op, arg] = Object.entries(acc)[0]!;
    if (!bsonContext.getOperator(OpType.ACCUMULATOR, op))
      throw new CommandError(15952, 'Location15952', `unknown group operator '${op}'`);
    accumulators.push([field, op, arg]);
  }
  const groups = new Map<string, { id: unknown; docs: Document[] }>();
  for (const doc of docs) {
    const id = evaluate(doc, spec._id, ctx) ?? null;
    const key = groupKey(id);
    let group = groups.get(key);
    if (!group) {
      group = { id, docs: [] };
      groups.set(key, group);
    }
    group.docs.push(doc);
  }
  const options = mingoOptions(ctx);
  const out: Document[] = [];
  for (const { id, docs: members } of groups.values()) {
    const result: Document = { _id: id };
    for (const [field, op, arg] of accumulators) {
      const fn = bsonContext.getOperator(OpType.ACCUMULATOR, op)!;
      try {
        result[field] = fn(members as AnyObject[], arg, options);
      } catch (e) {
        throw commandError('BadValue', (e as Error).message);
      }
    }
    out.push(result);
  }
  return out;
}
