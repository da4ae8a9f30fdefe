// clientBulkWrite (MongoClient.bulkWrite, servers 8.0+): format models and results converted to/from the driver's.
import type { AnyClientBulkWriteModel, ClientBulkWriteResult, Document } from 'mongodb';
import { readPreferenceOf } from '../entities.js';
import { type Handler, split, withSession } from './context.js';

/** `{ insertOne: { namespace, document } }` (format) -> `{ name: 'insertOne', namespace, document }` (driver). */
function toDriverModel(model: Document): AnyClientBulkWriteModel<Document> {
  const [name, body] = Object.entries(model)[0] ?? [];
  return { name, ...(body as Document) } as AnyClientBulkWriteModel<Document>;
}

function mapToDocument(map: ReadonlyMap<number, unknown> | undefined): Document | undefined {
  return map
    ? Object.fromEntries([...map].map(([index, value]) => [String(index), specResult(value as Document)]))
    : undefined;
}

/**
 * One result in the CRUD spec's shape: the driver's UpdateResult adds `didUpsert` (so that an
 * upserted `_id: null` can be told apart), which is not a spec field.
 */
function specResult(value: Document): Document {
  const { didUpsert: _didUpsert, ...rest } = value;
  return rest;
}

/** The driver's result with its Maps as documents keyed by model index, as the format expects. */
export function clientBulkWriteResultDocument(result: ClientBulkWriteResult): Document {
  const doc: Document = {
    acknowledged: result.acknowledged,
    insertedCount: result.insertedCount,
    upsertedCount: result.upsertedCount,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    deletedCount: result.deletedCount,
  };
  for (const key of ['insertResults', 'updateResults', 'deleteResults'] as const) {
    const converted = mapToDocument(result[key]);
    if (converted) doc[key] = converted;
  }
  return doc;
}

export const clientBulkWrite: Handler = async (target, args, ctx) => {
  const [{ models, readPreference }, options] = split(withSession(args, ctx), ['models', 'readPreference']);
  const result = await ctx.entities.client(target).bulkWrite((models as Document[]).map(toDriverModel), {
    ...options,
    ...(readPreference ? { readPreference: readPreferenceOf(readPreference) } : {}),
  });
  return clientBulkWriteResultDocument(result);
};
