// Collection operations of the unified format (CRUD spec names) mapped to the Node.js driver.
import type { AnyBulkWriteOperation, BulkWriteResult, Document, FindOneAndUpdateOptions } from 'mongodb';
import { readPreferenceOf } from '../entities.js';
import { createChangeStream } from './changeStream.js';
import { type Handler, type OperationContext, split, withSession } from './context.js';

const coll = (target: string, ctx: OperationContext) => ctx.entities.collection(target);

/** Model objects become plain documents, as the format compares documents. */
export function bulkWriteResultDocument(result: BulkWriteResult): Document {
  return {
    deletedCount: result.deletedCount,
    insertedCount: result.insertedCount,
    insertedIds: { ...result.insertedIds },
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    upsertedCount: result.upsertedCount,
    upsertedIds: { ...result.upsertedIds },
  };
}

/** The format spells returnDocument 'Before'/'After'; the driver wants lower case. */
function findAndModifyOptions(options: Document): FindOneAndUpdateOptions {
  const { returnDocument, ...rest } = options;
  return {
    ...rest,
    ...(returnDocument ? { returnDocument: String(returnDocument).toLowerCase() as 'before' | 'after' } : {}),
  };
}

function readOptions(options: Document): Document {
  if (!options.readPreference) return options;
  return { ...options, readPreference: readPreferenceOf(options.readPreference) };
}

export const collectionOperations: Record<string, Handler> = {
  async aggregate(target, args, ctx) {
    const [{ pipeline }, options] = split(withSession(args, ctx), ['pipeline']);
    return coll(target, ctx).aggregate(pipeline, readOptions(options)).toArray();
  },
  async bulkWrite(target, args, ctx) {
    const [{ requests }, options] = split(withSession(args, ctx), ['requests']);
    return bulkWriteResultDocument(await coll(target, ctx).bulkWrite(requests as AnyBulkWriteOperation[], options));
  },
  async countDocuments(target, args, ctx) {
    const [{ filter }, options] = split(withSession(args, ctx), ['filter']);
    return coll(target, ctx).countDocuments(filter, options);
  },
  async count(target, args, ctx) {
    const [{ filter }, options] = split(withSession(args, ctx), ['filter']);
    return coll(target, ctx).count(filter, options);
  },
  async estimatedDocumentCount(target, args, ctx) {
    return coll(target, ctx).estimatedDocumentCount(withSession(args, ctx));
  },
  async distinct(target, args, ctx) {
    const [{ fieldName, filter }, options] = split(withSession(args, ctx), ['fieldName', 'filter']);
    return coll(target, ctx).distinct(fieldName, filter, options);
  },
  async find(target, args, ctx) {
    const [{ filter }, options] = split(withSession(args, ctx), ['filter']);
    return coll(target, ctx).find(filter, readOptions(options)).toArray();
  },
  async findOne(target, args, ctx) {
    const [{ filter }, options] = split(withSession(args, ctx), ['filter']);
    return coll(target, ctx).findOne(filter, readOptions(options));
  },
  async findOneAndDelete(target, args, ctx) {
    const [{ filter }, options] = split(withSession(args, ctx), ['filter']);
    return coll(target, ctx).findOneAndDelete(filter, findAndModifyOptions(options));
  },
  async findOneAndReplace(target, args, ctx) {
    const [{ filter, replacement }, options] = split(withSession(args, ctx), ['filter', 'replacement']);
    return coll(target, ctx).findOneAndReplace(filter, replacement, findAndModifyOptions(options));
  },
  async findOneAndUpdate(target, args, ctx) {
    const [{ filter, update }, options] = split(withSession(args, ctx), ['filter', 'update']);
    return coll(target, ctx).findOneAndUpdate(filter, update, findAndModifyOptions(options));
  },
  async insertOne(target, args, ctx) {
    const [{ document }, options] = split(withSession(args, ctx), ['document']);
    return coll(target, ctx).insertOne(document, options);
  },
  async insertMany(target, args, ctx) {
    const [{ documents }, options] = split(withSession(args, ctx), ['documents']);
    return coll(target, ctx).insertMany(documents, options);
  },
  async updateOne(target, args, ctx) {
    const [{ filter, update }, options] = split(withSession(args, ctx), ['filter', 'update']);
    return coll(target, ctx).updateOne(filter, update, options);
  },
  async updateMany(target, args, ctx) {
    const [{ filter, update }, options] = split(withSession(args, ctx), ['filter', 'update']);
    return coll(target, ctx).updateMany(filter, update, options);
  },
  async replaceOne(target, args, ctx) {
    const [{ filter, replacement }, options] = split(withSession(args, ctx), ['filter', 'replacement']);
    return coll(target, ctx).replaceOne(filter, replacement, options);
  },
  async deleteOne(target, args, ctx) {
    const [{ filter }, options] = split(withSession(args, ctx), ['filter']);
    return coll(target, ctx).deleteOne(filter, options);
  },
  async deleteMany(target, args, ctx) {
    const [{ filter }, options] = split(withSession(args, ctx), ['filter']);
    return coll(target, ctx).deleteMany(filter, options);
  },
  async createChangeStream(target, args, ctx) {
    return createChangeStream(coll(target, ctx), withSession(args, ctx));
  },
  async rename(target, args, ctx) {
    const [{ to }, options] = split(withSession(args, ctx), ['to']);
    await coll(target, ctx).rename(to, options);
    return undefined;
  },
  async drop(target, args, ctx) {
    return coll(target, ctx).drop(withSession(args, ctx));
  },
  async createIndex(target, args, ctx) {
    const [{ keys }, options] = split(withSession(args, ctx), ['keys']);
    return coll(target, ctx).createIndex(keys, options);
  },
  async dropIndex(target, args, ctx) {
    const [{ name }, options] = split(withSession(args, ctx), ['name']);
    await coll(target, ctx).dropIndex(name, options);
    return undefined;
  },
  async listIndexes(target, args, ctx) {
    return coll(target, ctx).listIndexes(withSession(args, ctx)).toArray();
  },
};
