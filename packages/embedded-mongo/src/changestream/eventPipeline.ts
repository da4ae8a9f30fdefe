import { type Document, EJSON, type Timestamp } from 'bson';
import { CommandError, commandError } from '../errors.js';
import { bsonTypeOf } from '../query/bsonType.js';
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
function compileSteps(stages: Document[], collation: Document | undefined): Step[] {
  const steps: Step[] = [];
  for (const stage of stages) {
    if ('$match' in stage) {
      if (bsonTypeOf(stage.$match) !== 'object') {
        throw commandError('FailedToParse', 'the match filter must be an expression in an object');
      }
      steps.push({ kind: 'match', test: compileFilter(stage.$match as Document, collation ? { collation } : {}) });
      continue;
    }
    const last = steps.at(-1);
    if (last?.kind === 'stages') last.stages.push(stage);
    else steps.push({ kind: 'stages', stages: [stage] });
  }
  return steps;
}

/** Applies the user's stages to one event; `undefined` when the event is filtered out. */
export type EventPipeline = (event: Document, clusterTime: Timestamp) => Document | undefined;

/**
 * Checks the stages after `$changeStream` the way MongoDB does (unknown stage 40324, known but
 * not allowed IllegalOperation) and compiles them into a per-event function that also refuses
 * events whose `_id` (the resume token) the pipeline changed (ChangeStreamFatalError 280).
 */
export function compileEventPipeline(stages: Document[], collation?: Document): EventPipeline {
  const kept: Document[] = [];
  for (const stage of stages) {
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
      // Events are never large enough to split; the stage is accepted and does nothing.
      if (name !== '$changeStreamSplitLargeEvent') kept.push(stage);
      continue;
    }
    if (OTHER_KNOWN_STAGES.has(name)) {
      throw commandError('IllegalOperation', `${name} is not permitted in a $changeStream pipeline`);
    }
    throw new CommandError(40324, 'Location40324', `Unrecognized pipeline stage name: '${name}'`);
  }
  if (kept.length === 0) return (event) => event;
  const steps = compileSteps(kept, collation);
  return (event, clusterTime) => {
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
      [out] = runPipeline([out], step.stages, { variables: { CLUSTER_TIME: clusterTime } });
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
}
