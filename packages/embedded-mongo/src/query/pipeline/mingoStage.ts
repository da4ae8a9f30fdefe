import type { Document } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import type { CollationSpec } from 'mingo/types';
import { CommandError } from '../../errors.js';
import { isNumeric, isPlainObject } from '../bsonType.js';
import { cloneValue } from '../cloneValue.js';
import { bsonContext } from '../mingoContext.js';
import { toJsNumber } from '../numeric.js';
import { bindNow } from '../systemVariables.js';
import type { PipelineContext } from './pipelineContext.js';

/**
 * Stages whose mingo implementation orders values with mingo's own comparison, which only knows
 * JS numbers: their documents and specs get BSON numbers as JS numbers (exact for int32/double;
 * longs past 2^53 and decimals lose precision, and numeric fields come out as int32/double).
 */
const ORDERING_STAGES = new Set(['$bucket', '$bucketAuto', '$setWindowFields', '$densify', '$fill']);

function withJsNumbers(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withJsNumbers);
  if (isPlainObject(v)) {
    const out: Document = {};
    for (const key of Object.keys(v)) out[key] = withJsNumbers(v[key]);
    return out;
  }
  return isNumeric(v) && typeof v !== 'number' ? toJsNumber(v) : v;
}

/** Runs stages through mingo (with BSON-aware operators) on private copies of the documents. */
export function runMingoStages(docs: Document[], stages: Document[], ctx: PipelineContext): Document[] {
  if (stages.some((stage) => Object.keys(stage).some((name) => ORDERING_STAGES.has(name)))) {
    docs = docs.map((doc) => withJsNumbers(doc) as Document);
    stages = stages.map((stage) => withJsNumbers(stage) as Document);
  }
  const resolve = ctx.resolveCollection;
  const aggregator = new Aggregator(bindNow(stages, ctx.variables), {
    context: bsonContext,
    variables: ctx.variables,
    collation: ctx.collation as CollationSpec | undefined,
    collectionResolver: resolve ? (name: string) => resolve(undefined, name).map(cloneValue) : undefined,
  });
  try {
    return aggregator.run(docs.map(cloneValue)) as Document[];
  } catch (e) {
    if (e instanceof CommandError) throw e;
    // mingo reports invalid expressions as plain errors; MongoDB answers with a command error.
    throw new CommandError(2, 'BadValue', (e as Error).message);
  }
}
