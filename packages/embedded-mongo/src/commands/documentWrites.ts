import { BSON, type Document, ObjectId } from 'bson';
import { commandError, errorReply } from '../errors.js';
import { applyUpdate, upsertSeed } from '../query/index.js';
import type { Collection } from '../storage/Collection.js';
import { deepCopy } from '../storage/deepCopy.js';
import { valueKey } from '../storage/valueKey.js';
import type { CommandContext } from './CommandContext.js';
import { bsonTypeName } from './commandArguments.js';
import { validateDocument } from './documentValidation.js';

/** True for a replacement document (no top-level `$` operators); pipelines and operator updates are not. */
export function isReplacement(update: Document | Document[]): boolean {
  if (Array.isArray(update)) return false;
  const first = Object.keys(update)[0];
  return first === undefined || !first.startsWith('$');
}

/** What an update statement adds to its update: array filters, its query (positional `$`), `let`. */
export interface StatementUpdateOptions {
  arrayFilters?: Document[];
  query: Document;
  variables?: Document;
}

type UpdateOptions = NonNullable<Parameters<typeof applyUpdate>[2]>;

function updateOptions(ctx: CommandContext, options: StatementUpdateOptions): UpdateOptions {
  return {
    query: options.query,
    clusterTime: ctx.server.clock.now(),
    ...(options.arrayFilters ? { arrayFilters: options.arrayFilters } : {}),
    ...(options.variables ? { variables: options.variables } : {}),
  };
}

function validateId(id: unknown): void {
  if (Array.isArray(id)) throw commandError('InvalidIdField', "The '_id' value cannot be of type array");
  if (id instanceof RegExp || (id as Document | null)?._bsontype === 'BSONRegExp') {
    throw commandError('InvalidIdField', "The '_id' value cannot be of type regex");
  }
  if (id !== null && typeof id === 'object' && Object.getPrototypeOf(id) === Object.prototype) {
    const dollar = Object.keys(id).find((key) => key.startsWith('$'));
    if (dollar) {
      throw commandError(
        'DollarPrefixedFieldName',
        `_id fields may not contain '$'-prefixed fields: ${dollar} is not valid for storage.`,
      );
    }
  }
}

/** A copy of a new document with `_id` first, generated as an ObjectId when missing. */
export function withIdFirst(doc: Document): Document {
  const id = doc._id === undefined ? new ObjectId() : doc._id;
  validateId(id);
  const out: Document = { _id: deepCopy(id) };
  for (const key of Object.keys(doc)) if (key !== '_id') out[key] = deepCopy(doc[key]);
  return out;
}

function sameBson(a: Document, b: Document): boolean {
  return Buffer.from(BSON.serialize(a)).equals(BSON.serialize(b));
}

/**
 * Applies an update to one stored document and records it. Returns the new version, or undefined
 * when the update changed nothing (a no-op: no write, no oplog entry).
 */
export function updateStoredDocument(
  ctx: CommandContext,
  collection: Collection,
  before: Document,
  update: Document | Document[],
  options: StatementUpdateOptions,
): Document | undefined {
  let after = applyUpdate(before, update, updateOptions(ctx, options));
  if (after._id === undefined) after = { _id: before._id, ...after };
  else if (valueKey(after._id) !== valueKey(before._id)) {
    throw commandError(
      'ImmutableField',
      `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${String(after._id)}`,
    );
  }
  if (Object.keys(after)[0] !== '_id') after = withIdFirst(after);
  if (sameBson(before, after)) return undefined;
  const op = isReplacement(update) ? 'replace' : 'update';
  validateDocument(ctx, collection, after, before);
  ctx.store.replace(collection, before, after, op, update);
  return after;
}

/** The insert half of an upsert: builds the document from the query and the update, stores it. */
export function upsertDocument(
  ctx: CommandContext,
  coll: string,
  query: Document,
  update: Document | Document[],
  options: StatementUpdateOptions,
): Document {
  const seed = upsertSeed(query);
  let doc: Document;
  if (isReplacement(update)) {
    doc = { ...(update as Document) };
    if (doc._id === undefined && seed._id !== undefined) doc._id = seed._id;
  } else {
    doc = applyUpdate(seed, update, { ...updateOptions(ctx, options), isUpsertInsert: true });
  }
  const stored = withIdFirst(doc);
  const collection = ctx.store.ensureCollection(ctx.db, coll);
  validateDocument(ctx, collection, stored);
  ctx.store.insert(collection, stored);
  return stored;
}

/** Stores new documents' copies; used by insert. */
export function insertDocument(ctx: CommandContext, collection: Collection, doc: unknown): Document {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw commandError('TypeMismatch', `documents to insert must be objects, found ${bsonTypeName(doc)}`);
  }
  const stored = withIdFirst(doc as Document);
  validateDocument(ctx, collection, stored);
  ctx.store.insert(collection, stored);
  return stored;
}

/** One entry of a reply's `writeErrors`. */
export function writeError(index: number, error: unknown): Document {
  const reply = errorReply(error);
  const { ok: _ok, errmsg, code, codeName: _codeName, errorLabels: _labels, ...extra } = reply;
  return { index, code, ...extra, errmsg };
}

/** The `q`/`u` style operand of a write statement, checked to be a document (or pipeline for `u`). */
export function statementDocument(statement: Document, field: string, command: string): Document {
  const value = statement[field];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw commandError(
      'TypeMismatch',
      `BSON field '${command}.${field}' is the wrong type '${bsonTypeName(value)}', expected type 'object'`,
    );
  }
  return value as Document;
}
