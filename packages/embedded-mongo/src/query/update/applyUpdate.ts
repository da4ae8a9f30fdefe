import { bsonTypeOf, compareValues } from '@mongo-live/bson-order';
import { type Document, Timestamp } from 'bson';
import { commandError } from '../../errors.js';
import { isPlainObject } from '../bsonType.js';
import { cloneValue } from '../cloneValue.js';
import { describeValue } from '../describeValue.js';
import { applyOperatorUpdate } from './operatorUpdate.js';
import { applyPipelineUpdate } from './pipelineUpdate.js';

/** Options of {@link applyUpdate}. */
export interface UpdateOptions {
  /** Filters for `$[<identifier>]` paths. */
  arrayFilters?: Document[];
  /** True when the update builds an upsert's new document: `$setOnInsert` applies. */
  isUpsertInsert?: boolean;
  /** The update's query: needed to resolve the positional `$`. */
  query?: Document;
  /** Clock for `$currentDate` and `$$NOW` (default: now). */
  now?: Date;
  /** Timestamp for `$currentDate: {$type: 'timestamp'}` and `$$CLUSTER_TIME` (default: from `now`). */
  clusterTime?: Timestamp;
  /** Variables for pipeline updates (`let`). */
  variables?: Document;
}

function sameId(a: unknown, b: unknown): boolean {
  return bsonTypeOf(a) === bsonTypeOf(b) && compareValues(a, b) === 0;
}

function isOperatorUpdate(update: Document): boolean {
  const first = Object.keys(update)[0];
  return first?.startsWith('$') === true;
}

function applyReplacement(doc: Document, replacement: Document): Document {
  for (const key of Object.keys(replacement)) {
    if (key.startsWith('$')) {
      throw commandError(
        'DollarPrefixedFieldName',
        `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
  }
  if (!('_id' in doc) || !('_id' in replacement)) {
    const out: Document = '_id' in doc ? { _id: cloneValue(doc._id) } : {};
    for (const key of Object.keys(replacement))
      if (key !== '_id' || !('_id' in doc)) out[key] = cloneValue(replacement[key]);
    return out;
  }
  return cloneValue(replacement);
}

/**
 * Applies an update to a document and returns the new document; the input is never mutated.
 * Operator updates (`{$set: ...}`), replacement documents (which keep `_id`) and pipeline updates
 * (an array of `$set`/`$addFields`, `$unset`, `$project`, `$replaceRoot`/`$replaceWith` stages).
 * Errors are CommandErrors with MongoDB's codes and messages.
 */
export function applyUpdate(doc: Document, update: Document | Document[], options: UpdateOptions = {}): Document {
  const now = options.now ?? new Date();
  const clusterTime = options.clusterTime ?? new Timestamp({ t: Math.floor(now.getTime() / 1000), i: 1 });
  let result: Document;
  if (Array.isArray(update)) {
    result = applyPipelineUpdate(doc, update, { now, clusterTime, variables: options.variables });
  } else if (!isPlainObject(update)) {
    throw commandError('FailedToParse', 'Update argument must be either an object or an array');
  } else if (isOperatorUpdate(update)) {
    result = cloneValue(doc);
    applyOperatorUpdate(result, update, options, { doc: result, now, timestamp: clusterTime });
  } else {
    result = applyReplacement(doc, update);
    if ('_id' in doc && !sameId(doc._id, result._id)) {
      throw commandError(
        'ImmutableField',
        `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${describeValue(result._id)}`,
      );
    }
    return result;
  }
  if ('_id' in doc && !sameId(doc._id, result._id)) {
    throw commandError(
      'ImmutableField',
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
  return result;
}
