import { bsonTypeOf } from '@mongo-live/bson-order';
import { type Document, EJSON, type Timestamp } from 'bson';
import { CommandError, commandError } from '../errors.js';
import { checkExpressionVariables, checkFilterVariables } from '../query/checkVariables.js';
import { compileFilter, runPipeline } from '../query/index.js';
import { deepCopy } from '../storage/deepCopy.js';

/** Stages a change stream may run after `$changeStream` (each works on one event at a time). */
const ALLOWED_STAGES = new Set([
  '$match',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
  '$redact',
  '$changeStreamSplitLargeEvent',
]);

/** Aggregation stages MongoDB knows but refuses in a change stream (IllegalOperation, not 40324). */
const OTHER_KNOWN_STAGES = new Set([
  '$bucket',
  '$bucketAuto',
  '$collStats',
  '$count',
  '$currentOp',
  '$densify',
  '$documents',
  '$facet',
  '$fill',
  '$geoNear',
  '$graphLookup',
  '$group',
  '$indexStats',
  '$limit',
  '$listLocalSessions',
  '$listSearchIndexes',
  '$listSessions',
  '$lookup',
  '$merge',
  '$out',
  '$planCacheStats',
  '$sample',
  '$search',
  '$searchMeta',
  '$setWindowFields',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unionWith',
  '$unwind',
  '$vectorSearch',
]);

/** One step of an event pipeline: a filter, or stages run by the aggregation engine. */
type Step = { kind: 'match'; test: (doc: Document) => boolean } | { kind: 'stages'; stages: Document[] };

/** `$match` goes through the query engine's matcher (BSON semantics, collation); the rest in runs. */
function compileSteps(stages: Document[], collation: Document | undefined, variables: Document): Step[] {
  const steps: Step[] = [];
  for (const stage of stages) {
    if ('$match' in stage) {
      if (bsonTypeOf(stage.$match) !== 'object') {
        throw commandError('FailedToParse', 'the match filter must be an expression in an object');
      }
      steps.push({
        kind: 'match',
        test: compileFilter(stage.$match as Document, { variables, ...(collation ? { collation } : {}) }),
      });
      continue;
    }
    const last = steps.at(-1);
    if (last?.kind === 'stages') last.stages.push(stage);
    else steps.push({ kind: 'stages', stages: [stage] });
  }
  return steps;
}

/** The `$$` variables of one getMore: MongoDB evaluates them once per operation, not per event. */
export interface EventVariables {
  CLUSTER_TIME: Timestamp;
  NOW: Date;
}

/** The user's stages, compiled. */
export interface EventPipeline {
  /** Applies the stages to one event; `undefined` when the event is filtered out. */
  run(event: Document, variables: EventVariables): Document | undefined;
  /** `$changeStreamSplitLargeEvent` ends the pipeline: events over 16 MiB are split into fragments. */
  splitLargeEvents: boolean;
}

function checkStageVariables(name: string, spec: unknown, defined: ReadonlySet<string>): void {
  if (name === '$match') checkFilterVariables(spec, defined);
  else if (name !== '$unset' && name !== '$changeStreamSplitLargeEvent') checkExpressionVariables(spec, defined);
}

/**
 * Checks the stages after `$changeStream` the way MongoDB does (unknown stage 40324, known but
 * not allowed IllegalOperation, undefined `$$` variables 17276, `$changeStreamSplitLargeEvent`
 * not last 40601) and compiles them into a per-event function that also refuses events whose
 * `_id` (the resume token) the pipeline changed (ChangeStreamFatalError 280).
 */
export function compileEventPipeline(
  stages: Document[],
  options: { collation?: Document; variables?: Document } = {},
): EventPipeline {
  const { collation } = options;
  const userVariables = options.variables ?? {};
  const defined = new Set(Object.keys(userVariables));
  const kept: Document[] = [];
  let splitLargeEvents = false;
  stages.forEach((stage, index) => {
    const names = bsonTypeOf(stage) === 'object' ? Object.keys(stage) : [];
    if (names.length !== 1) {
      throw new CommandError(
        40323,
        'Location40323',
        'A pipeline stage specification object must contain exactly one field.',
      );
    }
    const name = names[0]!;
    if (name === '$changeStream') {
      throw new CommandError(40602, 'Location40602', '$changeStream is only valid as the first stage in a pipeline');
    }
    if (ALLOWED_STAGES.has(name)) {
      checkStageVariables(name, stage[name], defined);
      if (name === '$changeStreamSplitLargeEvent') {
        if (index !== stages.length - 1) {
          throw new CommandError(40601, 'Location40601', `${name} can only be the final stage in the pipeline`);
        }
        if (bsonTypeOf(stage[name]) !== 'object' || Object.keys(stage[name] as Document).length > 0) {
          throw new CommandError(
            7182800,
            'Location7182800',
            `${name} must take an empty object but found: ${EJSON.stringify(stage[name])}`,
          );
        }
        splitLargeEvents = true;
      } else kept.push(stage);
      return;
    }
    if (OTHER_KNOWN_STAGES.has(name)) {
      throw commandError('IllegalOperation', `${name} is not permitted in a $changeStream pipeline`);
    }
    throw new CommandError(40324, 'Location40324', `Unrecognized pipeline stage name: '${name}'`);
  });
  if (kept.length === 0) return { run: (event) => event, splitLargeEvents };
  const steps = compileSteps(kept, collation, userVariables);
  const run = (event: Document, variables: EventVariables): Document | undefined => {
    const token = EJSON.stringify(event._id, { relaxed: false });
    let out: Document | undefined = event;
    let copied = false;
    for (const step of steps) {
      if (step.kind === 'match') {
        if (!step.test(out)) return undefined;
        continue;
      }
      // The stages may modify documents in place: never let them touch the oplog's images.
      if (!copied) out = deepCopy(out);
      copied = true;
      [out] = runPipeline([out], step.stages, { variables: { ...userVariables, ...variables } });
      if (out === undefined) return undefined;
    }
    if (out === undefined) return undefined;
    if (out._id === undefined || EJSON.stringify(out._id, { relaxed: false }) !== token) {
      throw commandError(
        'ChangeStreamFatalError',
        'Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. ' +
          'Modifying the _id field of an event makes it impossible to resume the stream from that point. ' +
          'Only transformations that retain the unmodified _id field are allowed.',
        { errorLabels: ['NonResumableChangeStreamError'] },
      );
    }
    return out;
  };
  return { run, splitLargeEvents };
}
