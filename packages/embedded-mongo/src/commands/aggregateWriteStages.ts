import { randomUUID } from 'node:crypto';
import type { Document } from 'bson';
import { CommandError, commandError } from '../errors.js';
import { valuesAtPath } from '../storage/documentPath.js';
import { Index } from '../storage/Index.js';
import { valueKey } from '../storage/valueKey.js';
import type { CommandContext } from './CommandContext.js';
import { whenNamespacesFree, writeWhenUnlocked } from './documentLocks.js';
import { withIdFirst } from './documentWrites.js';

/** The trailing `$out` / `$merge` stage of a pipeline, if any; rejects them anywhere else. */
export function writeStageOf(pipeline: Document[]): Document | undefined {
  pipeline.forEach((stage, i) => {
    const name = Object.keys(stage ?? {})[0];
    if ((name === '$out' || name === '$merge') && i !== pipeline.length - 1) {
      throw new CommandError(40601, 'Location40601', `${name} can only be the final stage in the pipeline`);
    }
  });
  const last = pipeline[pipeline.length - 1];
  const name = last ? Object.keys(last)[0] : undefined;
  return name === '$out' || name === '$merge' ? last : undefined;
}

/** Writes an aggregation's results as its `$out` or `$merge` stage says. */
export async function runWriteStage(ctx: CommandContext, stage: Document, results: Document[]): Promise<void> {
  if ('$out' in stage) await writeOut(ctx, stage.$out, results);
  else await writeMerge(ctx, stage.$merge, results);
}

function targetOf(ctx: CommandContext, spec: unknown, stage: string): { db: string; coll: string } {
  if (typeof spec === 'string') return { db: ctx.db, coll: spec };
  if (spec && typeof spec === 'object' && typeof (spec as Document).coll === 'string') {
    const db = (spec as Document).db;
    return { db: typeof db === 'string' ? db : ctx.db, coll: (spec as Document).coll };
  }
  throw commandError('FailedToParse', `${stage} requires a collection name or { db, coll }`);
}

/**
 * `$out`: like mongod, fills a temporary collection (with the target's indexes) and renames it over
 * the target, so watchers of the target see one rename rather than a stream of deletes.
 */
async function writeOut(ctx: CommandContext, spec: unknown, results: Document[]): Promise<void> {
  const { db, coll } = targetOf(ctx, spec, '$out');
  // Replacing the target is DDL: it waits for transactions using it.
  await whenNamespacesFree(ctx, (ns) => ns === `${db}.${coll}`);
  const { store } = ctx;
  const target = store.collection(db, coll);
  const temp = store.createCollection(db, `tmp.agg_out.${randomUUID()}`, { ...(target?.options ?? {}) });
  try {
    for (const index of target?.indexes ?? []) {
      if (index.name !== '_id_') store.createIndex(temp, new Index({ ...index.spec }, () => temp.ns));
    }
    for (const doc of results) store.insert(temp, withIdFirst(doc));
  } catch (error) {
    store.dropCollection(temp);
    throw error;
  }
  store.rename(temp, db, coll, target);
}

async function writeMerge(ctx: CommandContext, spec: unknown, results: Document[]): Promise<void> {
  const options: Document = typeof spec === 'string' ? { into: spec } : ((spec as Document) ?? {});
  const { db, coll } = targetOf(ctx, options.into, '$merge');
  const on: string[] = options.on === undefined ? ['_id'] : Array.isArray(options.on) ? options.on : [options.on];
  const whenMatched = options.whenMatched ?? 'merge';
  const whenNotMatched = options.whenNotMatched ?? 'insert';
  if (typeof whenMatched !== 'string') {
    throw commandError('NotImplemented', '$merge with a whenMatched pipeline is not supported by the embedded server');
  }
  const { store } = ctx;
  const target = store.ensureCollection(db, coll);
  const keyOf = (doc: Document) => valueKey(on.map((field) => valuesAtPath(doc, field)[0] ?? null));
  const byKey = new Map<string, Document>();
  const index = () => {
    byKey.clear();
    for (const doc of target.documents()) byKey.set(keyOf(doc), doc);
  };
  index();
  // Each result is one write: one a transaction holds waits for it, then sees the target as it is.
  const mergeOne = (result: Document): void => {
    const existing = byKey.get(keyOf(result));
    if (!existing) {
      if (whenNotMatched === 'discard') return;
      if (whenNotMatched === 'fail') {
        throw new CommandError(
          13113,
          'MergeStageNoMatchingDocument',
          '$merge could not find a matching document in the target collection for at least one document in the source collection',
        );
      }
      const stored = withIdFirst(result);
      store.insert(target, stored);
      byKey.set(keyOf(stored), stored);
      return;
    }
    if (whenMatched === 'keepExisting') return;
    if (whenMatched === 'fail') {
      throw target.indexes[0]!.duplicateKeyError([existing._id]);
    }
    const { _id: _ignored, ...fields } = result;
    const after =
      whenMatched === 'replace' ? { _id: existing._id, ...fields } : { ...existing, ...fields, _id: existing._id };
    const ordered = withIdFirst(after);
    const op = whenMatched === 'replace' ? 'replace' : 'update';
    store.replace(target, existing, ordered, op, op === 'update' ? { $set: fields } : undefined);
    byKey.set(keyOf(ordered), ordered);
  };
  for (const result of results) {
    await writeWhenUnlocked(ctx, (retrying) => {
      if (retrying) index();
      mergeOne(result);
    });
  }
}
