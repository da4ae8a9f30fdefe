import type { Document } from 'bson';
import { commandError } from '../errors.js';
import { runPipeline } from '../query/index.js';
import type { Store } from '../storage/Store.js';
import { bsonTypeName } from './commandArguments.js';

/** mongod's limit on views defined on views. */
const MAX_VIEW_DEPTH = 20;

/** The definition of a view as `create` takes it: `{ viewOn, pipeline }`; throws MongoDB's errors. */
export function viewDefinition(options: Document): Document {
  if (typeof options.viewOn !== 'string' || options.viewOn.length === 0) {
    throw commandError(
      'TypeMismatch',
      `BSON field 'create.viewOn' is the wrong type '${bsonTypeName(options.viewOn)}', expected type 'string'`,
    );
  }
  const pipeline = options.pipeline ?? [];
  if (!Array.isArray(pipeline)) {
    throw commandError(
      'TypeMismatch',
      `BSON field 'create.pipeline' is the wrong type '${bsonTypeName(pipeline)}', expected type 'array'`,
    );
  }
  for (const stage of pipeline as Document[]) {
    const name = Object.keys(stage ?? {})[0];
    if (name === '$out' || name === '$merge' || name === '$changeStream') {
      throw commandError('OptionNotSupportedOnView', `${name} cannot be used in a view definition`);
    }
  }
  return { viewOn: options.viewOn, pipeline, ...(options.collation ? { collation: options.collation } : {}) };
}

/**
 * The documents a read of `db.name` sees: a collection's own, or for a view the result of its
 * pipeline over what its `viewOn` holds (views on views resolve recursively). None when the
 * namespace does not exist.
 */
export function readableDocuments(store: Store, db: string, name: string, depth = 0): Document[] {
  const collection = store.collection(db, name);
  if (!collection) return [];
  if (!collection.isView) return collection.documents();
  if (depth >= MAX_VIEW_DEPTH) {
    throw commandError(
      'ViewDepthLimitExceeded',
      `View depth too deep or view cycle detected; maximum depth is ${MAX_VIEW_DEPTH}`,
    );
  }
  const { viewOn, pipeline, collation } = collection.options;
  const source = readableDocuments(store, db, viewOn as string, depth + 1);
  return runPipeline(source, pipeline as Document[], {
    ...(collation ? { collation: collation as Document } : {}),
    resolveCollection: (otherDb, other) => readableDocuments(store, otherDb ?? db, other, depth + 1),
  });
}
