/**
 * The query engine of the embedded server: filters, BSON comparison, sort, projection, updates,
 * upsert seeds and aggregation. Storage, commands and change streams all go through here.
 */
import type { Document } from 'bson';
import { Aggregator, update as mingoUpdate, updateOne as mingoUpdateOne, Query } from 'mingo';
import { CommandError } from '../errors.js';

export { compareValues } from './compareValues.js';
export { compileFilter } from './filter/compileFilter.js';
export { compileSort } from './sort.js';

/** Applies a find projection to a document. */
export function applyProjection(doc: Document, projection: Document): Document {
  return new Query({}).find([doc], projection).all()[0] as Document;
}

/** Applies an update (operators, replacement or pipeline) and returns the new document. */
export function applyUpdate(
  doc: Document,
  update: Document | Document[],
  options: { arrayFilters?: Document[]; isUpsertInsert?: boolean; query?: Document } = {},
): Document {
  const copy = structuredClone(doc);
  if (Array.isArray(update)) {
    const docs = [copy];
    mingoUpdateOne(docs, {}, update as never);
    return docs[0]!;
  }
  const keys = Object.keys(update);
  if (keys.length === 0 || !keys[0]!.startsWith('$')) return { _id: doc._id, ...update };
  const { $setOnInsert, ...rest } = update;
  if (options.isUpsertInsert && $setOnInsert) rest.$set = { ...(rest.$set ?? {}), ...$setOnInsert };
  mingoUpdate(copy, rest, options.arrayFilters);
  return copy;
}

/** The document an upsert starts from: the equality fields of the query. */
export function upsertSeed(filter: Document): Document {
  const seed: Document = {};
  for (const [k, v] of Object.entries(filter)) {
    if (k.startsWith('$')) continue;
    if (v !== null && typeof v === 'object' && Object.keys(v).some((x) => x.startsWith('$'))) continue;
    seed[k] = v;
  }
  return seed;
}

/** Runs an aggregation pipeline over documents. */
export function runPipeline(
  docs: Document[],
  pipeline: Document[],
  options: {
    collation?: Document;
    variables?: Document;
    resolveCollection?: (db: string | undefined, coll: string) => Document[];
  } = {},
): Document[] {
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0] ?? '';
    if (
      !/^\$(match|project|addFields|set|unset|replaceRoot|replaceWith|redact|group|sort|limit|skip|count|unwind|lookup|facet|sortByCount|bucket|bucketAuto|unionWith|graphLookup|sample|setWindowFields|densify|fill|documents)$/.test(
        name,
      )
    )
      throw new CommandError(40324, 'Location40324', `Unrecognized pipeline stage name: '${name}'`);
  }
  const resolver = options.resolveCollection;
  const agg = new Aggregator(pipeline, {
    variables: options.variables,
    collectionResolver: resolver ? (name: string) => resolver(undefined, name) : undefined,
  });
  return agg.run(docs) as Document[];
}
