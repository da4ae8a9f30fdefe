import type { Document } from 'bson';
import { commandError } from '../errors.js';
import { deepCopy } from '../storage/deepCopy.js';
import { defaultIndexName, Index, type IndexSpec } from '../storage/Index.js';
import { valueKey } from '../storage/valueKey.js';
import type { CommandHandler } from './CommandContext.js';
import { collectionNameOf } from './commandArguments.js';
import { firstBatchReply } from './cursorReplies.js';
import { whenNamespacesFree } from './documentLocks.js';

const INDEX_OPTIONS = new Set([
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'hidden',
  'collation',
  'background',
  'weights',
  'default_language',
  'language_override',
  'textIndexVersion',
  '2dsphereIndexVersion',
  'bits',
  'min',
  'max',
  'wildcardProjection',
  'v',
  'storageEngine',
]);

function parseIndexSpec(raw: unknown): IndexSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw commandError('TypeMismatch', "The field 'indexes' must be an array of objects");
  }
  const spec = raw as Document;
  const key = spec.key as Document | undefined;
  if (!key || typeof key !== 'object' || Object.keys(key).length === 0) {
    throw commandError('FailedToParse', "The 'key' field is a required property of an index specification");
  }
  for (const field of Object.keys(spec)) {
    if (!INDEX_OPTIONS.has(field)) {
      throw commandError(
        'InvalidIndexSpecificationOption',
        `The field '${field}' is not valid for an index specification. Specification: ${JSON.stringify(spec)}`,
      );
    }
  }
  const name = spec.name === undefined ? defaultIndexName(key) : spec.name;
  if (typeof name !== 'string' || name.length === 0)
    throw commandError('TypeMismatch', "The field 'name' must be a non-empty string");
  const { v: _v, background: _background, ...rest } = spec;
  const out: IndexSpec = { v: 2, key: deepCopy(key), name };
  for (const [field, value] of Object.entries(rest))
    if (field !== 'key' && field !== 'name') out[field] = deepCopy(value);
  if (out.unique === false) delete out.unique;
  return out;
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  const strip = ({ name: _n, v: _v, ...rest }: IndexSpec) => valueKey(rest);
  return strip(a) === strip(b);
}

/** createIndexes: creates missing indexes (unique ones checked against existing documents). */
export const createIndexes: CommandHandler = async (ctx) => {
  const coll = collectionNameOf(ctx.body, 'createIndexes');
  await whenNamespacesFree(ctx, (ns) => ns === `${ctx.db}.${coll}`);
  if (!Array.isArray(ctx.body.indexes) || ctx.body.indexes.length === 0) {
    throw commandError('BadValue', 'Must specify at least one index to create');
  }
  const specs = ctx.body.indexes.map(parseIndexSpec);
  const store = ctx.store;
  const existed = store.collection(ctx.db, coll) !== undefined;
  const collection = store.ensureCollection(ctx.db, coll);
  const numIndexesBefore = collection.indexes.length;
  for (const spec of specs) {
    const sameName = collection.indexes.find((index) => index.name === spec.name);
    const sameKey = collection.indexes.find((index) => valueKey(index.spec.key) === valueKey(spec.key));
    if (sameName) {
      if (valueKey(sameName.spec.key) !== valueKey(spec.key)) {
        throw commandError(
          'IndexKeySpecsConflict',
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
        );
      }
      if (!sameOptions(sameName.spec, spec)) {
        throw commandError(
          'IndexOptionsConflict',
          `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
        );
      }
      continue;
    }
    if (sameKey && sameOptions(sameKey.spec, spec)) {
      throw commandError('IndexOptionsConflict', `Index already exists with a different name: ${sameKey.name}`);
    }
    store.createIndex(
      collection,
      Index.fromSpec(spec, () => collection.ns),
    );
  }
  const numIndexesAfter = collection.indexes.length;
  return {
    numIndexesBefore,
    numIndexesAfter,
    createdCollectionAutomatically: !existed,
    ...(numIndexesAfter === numIndexesBefore ? { note: 'all indexes already exist' } : {}),
  };
};

/** listIndexes: the index specs of a collection; NamespaceNotFound when it does not exist. */
export const listIndexes: CommandHandler = (ctx) => {
  const coll = collectionNameOf(ctx.body, 'listIndexes');
  const collection = ctx.store.collection(ctx.db, coll);
  if (!collection) throw commandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${coll}`);
  const cursor = ctx.body.cursor as Document | undefined;
  const batchSize = typeof cursor?.batchSize === 'number' ? cursor.batchSize : undefined;
  const specs = collection.indexes.map((index) => deepCopy(index.spec));
  return firstBatchReply(ctx, `${ctx.db}.$cmd.listIndexes.${coll}`, specs, batchSize);
};

/** dropIndexes: by name, key pattern, list of names, or '*' (all but `_id_`). */
export const dropIndexes: CommandHandler = async (ctx) => {
  const coll = collectionNameOf(ctx.body, 'dropIndexes');
  await whenNamespacesFree(ctx, (ns) => ns === `${ctx.db}.${coll}`);
  const collection = ctx.store.collection(ctx.db, coll);
  if (!collection) throw commandError('NamespaceNotFound', `ns not found ${ctx.db}.${coll}`);
  const nIndexesWas = collection.indexes.length;
  const target = ctx.body.index;
  let victims: Index[];
  if (target === '*') {
    victims = collection.indexes.filter((index) => index.name !== '_id_');
  } else {
    const names = Array.isArray(target) ? target : [target];
    victims = names.map((wanted) => {
      const found =
        typeof wanted === 'string'
          ? collection.indexes.find((index) => index.name === wanted)
          : collection.indexes.find((index) => valueKey(index.spec.key) === valueKey(wanted));
      if (!found) {
        const label = typeof wanted === 'string' ? `name [${wanted}]` : `key pattern ${JSON.stringify(wanted)}`;
        throw commandError('IndexNotFound', `index not found with ${label}`);
      }
      if (found.name === '_id_') throw commandError('InvalidOptions', 'cannot drop _id index');
      return found;
    });
  }
  for (const index of victims) ctx.store.dropIndex(collection, index);
  return { nIndexesWas };
};
