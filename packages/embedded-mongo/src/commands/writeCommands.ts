import type { Document } from 'bson';
import { CommandError, commandError, ErrorCode } from '../errors.js';
import { compileFilter, compileSort } from '../query/index.js';
import type { Collection } from '../storage/Collection.js';
import { writable } from '../storage/Store.js';
import type { CommandContext, CommandHandler } from './CommandContext.js';
import { bsonTypeName, collectionNameOf, optionalBoolean, toInteger } from './commandArguments.js';
import { writeWhenUnlocked } from './documentLocks.js';
import {
  insertDocument,
  isReplacement,
  statementDocument,
  updateStoredDocument,
  upsertDocument,
  writeError,
} from './documentWrites.js';
import { type QueryOptions, queryOptionsOf } from './readCommands.js';

function statementsOf(body: Document, field: string, command: string): unknown[] {
  const statements = body[field];
  if (!Array.isArray(statements)) {
    throw commandError('TypeMismatch', `BSON field '${command}.${field}' is missing or not of type array`);
  }
  return statements;
}

/** Documents of a collection matching a filter; only the first when `justOne`. */
export function findMatches(
  collection: Collection | undefined,
  filter: Document,
  justOne: boolean,
  options: QueryOptions = {},
): Document[] {
  if (!collection) return [];
  const matches = compileFilter(filter, options);
  const out: Document[] = [];
  for (const doc of collection.documents()) {
    if (!matches(doc)) continue;
    out.push(doc);
    if (justOne) break;
  }
  return out;
}

/**
 * Runs the statements of a write command in order, collecting writeErrors (stops at the first
 * when ordered). A statement that meets a document an open transaction holds before writing
 * anything waits for the transaction and runs again (see writeWhenUnlocked).
 */
async function runStatements(
  ctx: CommandContext,
  statements: unknown[],
  run: (statement: unknown, index: number) => void | Promise<void>,
): Promise<Document[]> {
  const ordered = optionalBoolean(ctx.body, 'ordered') ?? true;
  const writeErrors: Document[] = [];
  for (let index = 0; index < statements.length; index++) {
    try {
      await writeWhenUnlocked(ctx, () => run(statements[index], index));
    } catch (error) {
      // A transaction's write conflict fails the whole command (and the transaction), as in mongod.
      if (error instanceof CommandError && error.code === ErrorCode.WriteConflict) throw error;
      if (error instanceof CommandError && error.code === ErrorCode.MaxTimeMSExpired) throw error;
      writeErrors.push(writeError(index, error));
      if (ordered) break;
    }
  }
  return writeErrors;
}

/** insert: `{ insert, documents, ordered }` → `{ n, writeErrors? }`. */
export const insert: CommandHandler = async (ctx: CommandContext) => {
  const coll = collectionNameOf(ctx.body, 'insert');
  const documents = statementsOf(ctx.body, 'documents', 'insert');
  writable(ctx.store.collection(ctx.db, coll));
  const collection = ctx.store.ensureCollection(ctx.db, coll);
  let n = 0;
  const writeErrors = await runStatements(ctx, documents, (doc) => {
    insertDocument(ctx, collection, doc);
    n++;
  });
  return { n, ...(writeErrors.length > 0 ? { writeErrors } : {}) };
};

/** update: `{ update, updates: [{ q, u, upsert, multi, arrayFilters, collation }] }` → `{ n, nModified, upserted? }`. */
export const update: CommandHandler = async (ctx: CommandContext) => {
  const coll = collectionNameOf(ctx.body, 'update');
  // Malformed statements fail the whole command (IDL parsing in mongod), before any write.
  const statements = statementsOf(ctx.body, 'updates', 'update').map((raw) => {
    const statement = statementOf(raw, 'update', UPDATE_FIELDS);
    statementDocument(statement, 'q', 'update');
    updateSpecOf(statement.u);
    if (statement.sort !== undefined && statement.multi === true) {
      throw commandError('InvalidOptions', 'Cannot specify sort with multi=true');
    }
    return statement;
  });
  writable(ctx.store.collection(ctx.db, coll));
  const commandLet = queryOptionsOf(ctx.body, {});
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors = await runStatements(ctx, statements, async (raw, index) => {
    const statement = raw as Document;
    const q = statement.q as Document;
    const u = updateSpecOf(statement.u);
    const multi = optionalBoolean(statement, 'multi') ?? false;
    const queryOptions = withCollation(commandLet, statement);
    const arrayFilters = arrayFiltersOf(statement);
    const updateOptions = {
      query: q,
      ...(arrayFilters ? { arrayFilters } : {}),
      ...(queryOptions.variables ? { variables: queryOptions.variables } : {}),
    };
    if (multi && isReplacement(u)) {
      throw commandError('FailedToParse', 'multi update is not supported for replacement-style update');
    }
    const sort = statement.sort as Document | undefined;
    const collection = ctx.store.collection(ctx.db, coll);
    // updateOne / replaceOne with `sort` (MongoDB 8.0) update the first match in that order.
    const matched = sort
      ? findMatches(collection, q, false, queryOptions)
          .sort(compileSort(sort, queryOptions.collation ? { collation: queryOptions.collation } : {}))
          .slice(0, 1)
      : findMatches(collection, q, !multi, queryOptions);
    for (const doc of matched) {
      const modified = await writeWhenUnlocked(ctx, () => {
        const current = stillMatching(ctx, coll, doc, q, queryOptions);
        if (!current) return undefined;
        return updateStoredDocument(ctx, ctx.store.collection(ctx.db, coll)!, current, u, updateOptions) !== undefined;
      });
      if (modified === undefined) continue;
      n++;
      if (modified) nModified++;
    }
    if (matched.length === 0 && optionalBoolean(statement, 'upsert')) {
      const doc = upsertDocument(ctx, coll, q, u, updateOptions);
      n++;
      upserted.push({ index, _id: doc._id });
    }
  });
  return {
    n,
    nModified,
    ...(upserted.length > 0 ? { upserted } : {}),
    ...(writeErrors.length > 0 ? { writeErrors } : {}),
  };
};

/** delete: `{ delete, deletes: [{ q, limit: 0 | 1 }] }` → `{ n }`. */
export const remove: CommandHandler = async (ctx: CommandContext) => {
  const coll = collectionNameOf(ctx.body, 'delete');
  const statements = statementsOf(ctx.body, 'deletes', 'delete').map((raw) => {
    const statement = statementOf(raw, 'delete', DELETE_FIELDS);
    statementDocument(statement, 'q', 'delete');
    return statement;
  });
  writable(ctx.store.collection(ctx.db, coll));
  const commandLet = queryOptionsOf(ctx.body, {});
  let n = 0;
  const writeErrors = await runStatements(ctx, statements, async (raw) => {
    const statement = raw as Document;
    const q = statement.q as Document;
    const limit = toInteger(statement.limit, 'limit');
    if (limit !== 0 && limit !== 1) {
      throw commandError(
        'FailedToParse',
        `The limit field in delete objects must be 0 or 1. Got ${limit ?? 'nothing'}`,
      );
    }
    const options = withCollation(commandLet, statement);
    for (const doc of findMatches(ctx.store.collection(ctx.db, coll), q, limit === 1, options)) {
      const deleted = await writeWhenUnlocked(ctx, () => {
        const current = stillMatching(ctx, coll, doc, q, options);
        if (current) ctx.store.delete(ctx.store.collection(ctx.db, coll)!, current);
        return current !== undefined;
      });
      if (deleted) n++;
    }
  });
  return { n, ...(writeErrors.length > 0 ? { writeErrors } : {}) };
};

/**
 * A matched document as it is now: itself while unchanged, else (a transaction committed while the
 * statement waited) its current version if that still matches the statement.
 */
function stillMatching(
  ctx: CommandContext,
  coll: string,
  doc: Document,
  q: Document,
  options: QueryOptions,
): Document | undefined {
  const current = ctx.store.collection(ctx.db, coll)?.findById(doc._id);
  if (current === doc) return doc;
  return current && compileFilter(q, options)(current) ? current : undefined;
}

/** The command's options with a statement's own collation. */
function withCollation(options: QueryOptions, statement: Document): QueryOptions {
  const collation = statement.collation;
  return collation && typeof collation === 'object' ? { ...options, collation: collation as Document } : options;
}

const UPDATE_FIELDS = new Set([
  'q',
  'u',
  'upsert',
  'multi',
  'arrayFilters',
  'collation',
  'hint',
  'c',
  'upsertSupplied',
  'sort',
]);
const DELETE_FIELDS = new Set(['q', 'limit', 'collation', 'hint']);

function statementOf(raw: unknown, command: string, fields: Set<string>): Document {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw commandError(
      'TypeMismatch',
      `BSON field '${command}.statement' is the wrong type '${bsonTypeName(raw)}', expected type 'object'`,
    );
  }
  const list = command === 'update' ? 'updates' : 'deletes';
  for (const field of Object.keys(raw)) {
    if (!fields.has(field)) {
      throw new CommandError(40415, 'Location40415', `BSON field '${command}.${list}.${field}' is an unknown field.`);
    }
  }
  return raw as Document;
}

/** `u` of an update statement: a document (operators or replacement) or a pipeline. */
export function updateSpecOf(u: unknown): Document | Document[] {
  if (Array.isArray(u)) return u as Document[];
  if (u === null || typeof u !== 'object') {
    throw commandError(
      'FailedToParse',
      `Update argument must be either an object or an array, found ${bsonTypeName(u)}`,
    );
  }
  return u as Document;
}

/** `arrayFilters` of an update statement, if any. */
export function arrayFiltersOf(statement: Document): Document[] | undefined {
  const filters = statement.arrayFilters;
  if (filters === undefined || filters === null) return undefined;
  if (!Array.isArray(filters))
    throw commandError('TypeMismatch', "BSON field 'arrayFilters' is the wrong type, expected type 'array'");
  return filters as Document[];
}
