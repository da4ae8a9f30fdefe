import type { Document, Timestamp } from 'bson';
import { CommandError, commandError } from '../../errors.js';
import { isPlainObject } from '../bsonType.js';
import { runPipeline } from '../pipeline/runPipeline.js';

const UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

/** Options of {@link applyPipelineUpdate}. */
export interface PipelineUpdateOptions {
  now: Date;
  clusterTime: Timestamp;
  variables?: Document;
}

/**
 * A pipeline-style update: the stages MongoDB allows in updates, run over the one document.
 * `_id` is kept first when a stage dropped it.
 */
export function applyPipelineUpdate(doc: Document, pipeline: Document[], options: PipelineUpdateOptions): Document {
  for (const stage of pipeline) {
    if (!isPlainObject(stage))
      throw commandError('TypeMismatch', 'Each element of the update pipeline must be an object');
    const name = Object.keys(stage)[0] ?? '';
    if (!UPDATE_STAGES.has(name)) {
      throw new CommandError(
        ErrorCodeInvalidOptions,
        'InvalidOptions',
        `Invalid update pipeline: ${name} is not allowed to be used within an update`,
      );
    }
  }
  const variables = { NOW: options.now, CLUSTER_TIME: options.clusterTime, ...options.variables };
  const [result] = runPipeline([doc], pipeline, { variables });
  if (!result) return { _id: doc._id };
  if ('_id' in doc && !('_id' in result)) return { _id: doc._id, ...result };
  return result;
}

const ErrorCodeInvalidOptions = 72;
