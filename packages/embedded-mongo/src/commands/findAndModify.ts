import type { Document } from 'bson';
import { commandError } from '../errors.js';
import { applyProjection, compileSort } from '../query/index.js';
import { writable } from '../storage/Store.js';
import type { CommandContext, CommandHandler } from './CommandContext.js';
import { collectionNameOf, optionalBoolean, optionalDocument } from './commandArguments.js';
import { writeWhenUnlocked } from './documentLocks.js';
import { updateStoredDocument, upsertDocument } from './documentWrites.js';
import { queryOptionsOf } from './readCommands.js';
import { arrayFiltersOf, findMatches, updateSpecOf } from './writeCommands.js';

/**
 * findAndModify: updates, replaces or removes the first document matching `query` in `sort` order
 * and returns it (before or, with `new`, after the change) with `lastErrorObject`.
 */
export const findAndModify: CommandHandler = (ctx) => writeWhenUnlocked(ctx, () => findAndModifyOnce(ctx));

function findAndModifyOnce(ctx: CommandContext): Document {
  const { body } = ctx;
  const coll = collectionNameOf(body, ctx.name);
  const query = optionalDocument(body, 'query') ?? {};
  const sort = optionalDocument(body, 'sort');
  const fields = optionalDocument(body, 'fields');
  const options = queryOptionsOf(body);
  const remove = optionalBoolean(body, 'remove') ?? false;
  const returnNew = optionalBoolean(body, 'new') ?? false;
  const upsert = optionalBoolean(body, 'upsert') ?? false;
  const hasUpdate = body.update !== undefined;
  if (remove && hasUpdate) throw commandError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!remove && !hasUpdate) throw commandError('FailedToParse', 'Either an update or remove=true must be specified');
  if (remove && upsert) throw commandError('FailedToParse', 'Cannot specify both upsert=true and remove=true ');
  if (remove && returnNew) {
    throw commandError(
      'FailedToParse',
      "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
    );
  }
  const project = (doc: Document | undefined): Document | null =>
    doc === undefined ? null : fields && Object.keys(fields).length > 0 ? applyProjection(doc, fields) : doc;

  const collection = ctx.store.collection(ctx.db, coll);
  writable(collection);
  const sorted = sort && Object.keys(sort).length > 0;
  let candidates = findMatches(collection, query, !sorted, options);
  if (sorted) candidates = [...candidates].sort(compileSort(sort, options));
  const target = candidates[0];

  if (remove) {
    if (!target) return { lastErrorObject: { n: 0 }, value: null };
    ctx.store.delete(collection!, target);
    return { lastErrorObject: { n: 1 }, value: project(target) };
  }
  const update = updateSpecOf(body.update);
  const arrayFilters = arrayFiltersOf(body);
  const updateOptions = {
    query,
    ...(arrayFilters ? { arrayFilters } : {}),
    ...(options.variables ? { variables: options.variables } : {}),
  };
  if (target) {
    const after = updateStoredDocument(ctx, collection!, target, update, updateOptions) ?? target;
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(returnNew ? after : target) };
  }
  if (!upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
  const inserted = upsertDocument(ctx, coll, query, update, updateOptions);
  return {
    lastErrorObject: { n: 1, updatedExisting: false, upserted: inserted._id },
    value: returnNew ? project(inserted) : null,
  };
}
