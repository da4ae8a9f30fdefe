import type { Document } from 'bson';
import { commandError } from '../errors.js';
import { compileFilter } from '../query/index.js';
import { ID_INDEX_SPEC } from '../storage/Collection.js';
import { deepCopy } from '../storage/deepCopy.js';
import { validateDatabaseName } from '../storage/Store.js';
import type { CommandHandler } from './CommandContext.js';
import { collectionNameOf, commandOptions, optionalBoolean, optionalDocument } from './commandArguments.js';
import { firstBatchReply } from './cursorReplies.js';
import { whenNamespacesFree } from './documentLocks.js';
import { compileValidator } from './documentValidation.js';
import { viewDefinition } from './views.js';

const CREATE_OPTIONS = new Set([
  'capped',
  'size',
  'max',
  'changeStreamPreAndPostImages',
  'validator',
  'validationLevel',
  'validationAction',
  'storageEngine',
  'indexOptionDefaults',
  'collation',
  'expireAfterSeconds',
  'timeseries',
  'clusteredIndex',
  'autoIndexId',
  'flags',
]);

/** A validator must compile, and validationLevel / validationAction be values mongod knows. */
function checkValidationOptions(options: Document): void {
  const { validator, validationLevel, validationAction } = options;
  if (validator !== undefined) {
    if (validator === null || typeof validator !== 'object' || Array.isArray(validator))
      throw commandError('TypeMismatch', "BSON field 'validator' is the wrong type, expected type 'object'");
    compileValidator(validator as Document);
  }
  if (validationLevel !== undefined && !['off', 'strict', 'moderate'].includes(validationLevel as string))
    throw commandError(
      'BadValue',
      `Enumeration value '${String(validationLevel)}' for field 'validationLevel' is not a valid value.`,
    );
  if (validationAction !== undefined && !['error', 'warn'].includes(validationAction as string))
    throw commandError(
      'BadValue',
      `Enumeration value '${String(validationAction)}' for field 'validationAction' is not a valid value.`,
    );
}

/** create: an empty collection with options (e.g. changeStreamPreAndPostImages); 48 when it exists. */
export const create: CommandHandler = (ctx) => {
  const coll = collectionNameOf(ctx.body, 'create');
  const options = commandOptions(ctx.body, 'create');
  if (options.viewOn !== undefined) {
    ctx.store.createView(ctx.db, coll, viewDefinition(options));
    return {};
  }
  for (const key of Object.keys(options)) {
    if (!CREATE_OPTIONS.has(key)) {
      throw commandError('InvalidOptions', `BSON field 'create.${key}' is an unknown field.`);
    }
  }
  checkValidationOptions(options);
  ctx.store.createCollection(ctx.db, coll, deepCopy(options));
  return {};
};

/** drop: removes a collection; a missing one is fine (MongoDB 7.0). */
export const drop: CommandHandler = async (ctx) => {
  const coll = collectionNameOf(ctx.body, 'drop');
  await whenNamespacesFree(ctx, (ns) => ns === `${ctx.db}.${coll}`);
  const collection = ctx.store.collection(ctx.db, coll);
  if (!collection) return {};
  const nIndexesWas = collection.indexes.length;
  ctx.store.dropCollection(collection);
  return { nIndexesWas, ns: collection.ns };
};

export const dropDatabase: CommandHandler = async (ctx) => {
  validateDatabaseName(ctx.db);
  await whenNamespacesFree(ctx, (ns) => ns.startsWith(`${ctx.db}.`));
  ctx.store.dropDatabase(ctx.db);
  return { dropped: ctx.db };
};

/** collMod: changes collection options; supports changeStreamPreAndPostImages and validator settings. */
export const collMod: CommandHandler = async (ctx) => {
  const coll = collectionNameOf(ctx.body, 'collMod');
  await whenNamespacesFree(ctx, (ns) => ns === `${ctx.db}.${coll}`);
  const collection = ctx.store.collection(ctx.db, coll);
  if (!collection) throw commandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${coll}`);
  const changes = commandOptions(ctx.body, 'collMod');
  const supported = new Set([
    'changeStreamPreAndPostImages',
    'validator',
    'validationLevel',
    'validationAction',
    'expireAfterSeconds',
    'index',
  ]);
  for (const key of Object.keys(changes)) {
    if (!supported.has(key)) throw commandError('InvalidOptions', `BSON field 'collMod.${key}' is an unknown field.`);
  }
  if (changes.changeStreamPreAndPostImages !== undefined) {
    const setting = changes.changeStreamPreAndPostImages as Document;
    if (typeof setting !== 'object' || typeof setting.enabled !== 'boolean') {
      throw commandError(
        'TypeMismatch',
        "BSON field 'changeStreamPreAndPostImages.enabled' is missing but a required field",
      );
    }
  }
  checkValidationOptions(changes);
  // mongod logs a collMod even when it changes nothing; change streams report it as 'modify'.
  const { index: _index, ...optionChanges } = changes;
  ctx.store.modify(collection, optionChanges);
  return {};
};

/** renameCollection (admin): `{ renameCollection: 'db.a', to: 'db.b', dropTarget }`. */
export const renameCollection: CommandHandler = async (ctx) => {
  const { body } = ctx;
  if (ctx.db !== 'admin')
    throw commandError('Unauthorized', 'renameCollection may only be run against the admin database.');
  const from = splitNamespace(body.renameCollection, 'renameCollection');
  const to = splitNamespace(body.to, 'to');
  const names = new Set([`${from.db}.${from.coll}`, `${to.db}.${to.coll}`]);
  await whenNamespacesFree(ctx, (ns) => names.has(ns));
  const source = ctx.store.collection(from.db, from.coll);
  if (!source) throw commandError('NamespaceNotFound', `Source collection ${from.db}.${from.coll} does not exist`);
  if (from.db === to.db && from.coll === to.coll) {
    throw commandError('IllegalOperation', "Can't rename a collection to itself");
  }
  const target = ctx.store.collection(to.db, to.coll);
  if (target && !(optionalBoolean(body, 'dropTarget') ?? false)) {
    throw commandError('NamespaceExists', 'target namespace exists');
  }
  ctx.store.rename(source, to.db, to.coll, target);
  return {};
};

function splitNamespace(value: unknown, field: string): { db: string; coll: string } {
  if (typeof value !== 'string') throw commandError('TypeMismatch', `'${field}' must be of type String`);
  const dot = value.indexOf('.');
  if (dot <= 0 || dot === value.length - 1)
    throw commandError('InvalidNamespace', `Invalid namespace specified '${value}'`);
  return { db: value.slice(0, dot), coll: value.slice(dot + 1) };
}

/** listCollections: `{ name, type, options, info: { readOnly, uuid }, idIndex }` per collection. */
export const listCollections: CommandHandler = (ctx) => {
  const filter = optionalDocument(ctx.body, 'filter');
  const nameOnly = optionalBoolean(ctx.body, 'nameOnly') ?? false;
  let entries = ctx.store.collections(ctx.db).map((collection) => {
    const type = collection.isView ? 'view' : 'collection';
    if (nameOnly) return { name: collection.name, type };
    if (collection.isView) {
      return { name: collection.name, type, options: deepCopy(collection.options), info: { readOnly: true } };
    }
    return {
      name: collection.name,
      type,
      options: deepCopy(collection.options),
      info: { readOnly: false, uuid: collection.uuid },
      idIndex: { ...ID_INDEX_SPEC },
    };
  });
  if (filter && Object.keys(filter).length > 0) entries = entries.filter(compileFilter(filter));
  const cursor = ctx.body.cursor as Document | undefined;
  const batchSize = typeof cursor?.batchSize === 'number' ? cursor.batchSize : undefined;
  return firstBatchReply(ctx, `${ctx.db}.$cmd.listCollections`, entries, batchSize);
};

/** listDatabases: the databases that hold at least one collection. */
export const listDatabases: CommandHandler = (ctx) => {
  if (ctx.db !== 'admin')
    throw commandError('Unauthorized', 'listDatabases may only be run against the admin database.');
  const nameOnly = optionalBoolean(ctx.body, 'nameOnly') ?? false;
  const filter = optionalDocument(ctx.body, 'filter');
  let databases: Document[] = ctx.store.databaseNames().map((name) => {
    if (nameOnly) return { name };
    const docs = ctx.store.collections(name).reduce((sum, c) => sum + c.size, 0);
    // A rough size: mongod reports storage bytes; tests only need "non-zero when data exists".
    return { name, sizeOnDisk: 4096 * (1 + docs), empty: docs === 0 };
  });
  if (filter && Object.keys(filter).length > 0) databases = databases.filter(compileFilter(filter));
  if (nameOnly) return { databases };
  const totalSize = databases.reduce((sum, db) => sum + (db.sizeOnDisk as number), 0);
  return { databases, totalSize, totalSizeMb: Math.round(totalSize / 1024 / 1024) };
};
