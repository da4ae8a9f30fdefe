import type { Document } from 'bson';
import { CommandError } from '../../errors.js';
import { isPlainObject } from '../bsonType.js';
import { runMingoStages } from './mingoStage.js';
import type { PipelineContext } from './pipelineContext.js';
import { ownStages } from './stages.js';

/** Stages handed to mingo (with BSON-aware expression operators). */
const MINGO_STAGES = new Set([
  '$replaceRoot',
  '$replaceWith',
  '$redact',
  '$bucket',
  '$bucketAuto',
  '$graphLookup',
  '$sample',
  '$setWindowFields',
  '$densify',
  '$fill',
  '$documents',
]);

/** Options of {@link runPipeline}. */
export interface PipelineOptions {
  collation?: Document;
  /** `$$` variables for expressions (e.g. `NOW`, `CLUSTER_TIME`, `let` values). */
  variables?: Document;
  /** Documents of another collection, for `$lookup`, `$unionWith`, `$graphLookup`. */
  resolveCollection?: (db: string | undefined, coll: string) => Document[];
}

function stageName(stage: unknown): string {
  if (!isPlainObject(stage) || Object.keys(stage).length !== 1)
    throw new CommandError(
      40323,
      'Location40323',
      'A pipeline stage specification object must contain exactly one field.',
    );
  return Object.keys(stage)[0]!;
}

/**
 * Runs an aggregation pipeline over documents and returns the result; the input documents are
 * not mutated. Filtering, sorting, grouping, paging, unwinding and joins run here with MongoDB's
 * BSON semantics; expression stages run in mingo with BSON-aware operators.
 * `$out`/`$merge` write to collections and belong to the server, not here.
 */
export function runPipeline(docs: Document[], pipeline: Document[], options: PipelineOptions = {}): Document[] {
  if (!Array.isArray(pipeline))
    throw new CommandError(14, 'TypeMismatch', "'pipeline' option must be specified as an array");
  const names = pipeline.map(stageName);
  for (const name of names) {
    if (!(name in ownStages) && !MINGO_STAGES.has(name)) {
      if (name === '$changeStream')
        throw new CommandError(40602, 'Location40602', '$changeStream is only valid as the first stage in a pipeline');
      if (name === '$out' || name === '$merge')
        throw new CommandError(238, 'NotImplemented', `${name} must be handled by the server, not the query engine`);
      throw new CommandError(40324, 'Location40324', `Unrecognized pipeline stage name: '${name}'`);
    }
  }
  const ctx: PipelineContext = {
    collation: options.collation,
    variables: options.variables,
    resolveCollection: options.resolveCollection,
    run: (input, sub, variables) =>
      runPipeline(input, sub, {
        ...options,
        variables: variables ? { ...options.variables, ...variables } : options.variables,
      }),
  };
  let current = docs;
  let i = 0;
  while (i < pipeline.length) {
    const name = names[i]!;
    const own = ownStages[name];
    if (own) {
      current = own(current, pipeline[i]![name], ctx);
      i++;
      continue;
    }
    // Consecutive mingo stages run in one mingo pass.
    let j = i;
    while (j < pipeline.length && !ownStages[names[j]!]) j++;
    current = runMingoStages(current, pipeline.slice(i, j), ctx);
    i = j;
  }
  return current;
}
