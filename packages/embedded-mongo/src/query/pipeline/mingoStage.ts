import type { Document } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import type { CollationSpec } from 'mingo/types';
import { CommandError } from '../../errors.js';
import { cloneValue } from '../cloneValue.js';
import { bsonContext } from '../mingoContext.js';
import { bindNow } from '../systemVariables.js';
import type { PipelineContext } from './pipelineContext.js';

/** Runs stages through mingo (with BSON-aware operators) on private copies of the documents. */
export function runMingoStages(docs: Document[], stages: Document[], ctx: PipelineContext): Document[] {
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
