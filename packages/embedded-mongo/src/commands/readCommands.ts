import type { Document } from 'bson';
import { commandError } from '../errors.js';
import { applyProjection, compareValues, compileFilter, compileSort, runPipeline } from '../query/index.js';
import { valuesAtPath } from '../storage/documentPath.js';
import { valueKey } from '../storage/valueKey.js';
import type { CommandContext, CommandHandler } from './CommandContext.js';
import { collectionNameOf, optionalBoolean, optionalDocument, toInteger } from './commandArguments.js';
import { firstBatchReply } from './cursorReplies.js';
import { readableDocuments } from './views.js';

/** Collation and `let` variables of a command, as the query engine takes them. */
export interface QueryOptions {
  collation?: Document;
  variables?: Document;
}

/** The command's `collation` and `let` (write statements carry their own `collation`). */
export function queryOptionsOf(body: Document, collationSource: Document = body): QueryOptions {
  const collation = optionalDocument(collationSource, 'collation');
  const letSpec = optionalDocument(body, 'let');
  const variables = letSpec ? evaluateLet(letSpec) : undefined;
  return { ...(collation ? { collation } : {}), ...(variables ? { variables } : {}) };
}

/** `let` values are expressions (`{$literal: '$x'}`, `{$rand: {}}`): evaluated once per command. */
export function evaluateLet(letSpec: Document): Document {
  if (Object.keys(letSpec).length === 0) return {};
  return runPipeline([{}], [{ $replaceWith: letSpec }])[0] ?? {};
}

/** Documents of `db.coll` matching `filter`, in natural order (none when the collection does not exist). */
export function matchingDocuments(
  ctx: CommandContext,
  coll: string,
  filter: Document,
  options: QueryOptions = {},
): Document[] {
  const docs = readableDocuments(ctx.store, ctx.db, coll);
  if (Object.keys(filter).length === 0) return docs;
  return docs.filter(compileFilter(filter, options));
}

function nonNegative(value: number | undefined, field: string): number | undefined {
  if (value !== undefined && value < 0) {
    throw commandError('BadValue', `BSON field '${field}' value must be >= 0, actual value '${value}'`);
  }
  return value;
}

/** find: filter, sort, skip, limit (negative = one batch), projection, batchSize, singleBatch. */
export const find: CommandHandler = (ctx) => {
  const { body } = ctx;
  const coll = collectionNameOf(body, 'find');
  const filter = optionalDocument(body, 'filter') ?? {};
  const sort = optionalDocument(body, 'sort');
  const projection = optionalDocument(body, 'projection');
  const options = queryOptionsOf(body);
  const skip = nonNegative(toInteger(body.skip, 'skip'), 'skip') ?? 0;
  let limit = toInteger(body.limit, 'limit') ?? 0;
  let singleBatch = optionalBoolean(body, 'singleBatch') ?? false;
  if (limit < 0) {
    limit = -limit; // legacy negative limit: that many documents in one batch
    singleBatch = true;
  }
  const batchSize = nonNegative(toInteger(body.batchSize, 'batchSize'), 'batchSize');
  let docs = matchingDocuments(ctx, coll, filter, options);
  if (sort && '$natural' in sort) {
    // Natural order is insertion order here; -1 walks it backwards.
    if (Number(sort.$natural) < 0) docs = [...docs].reverse();
  } else if (sort && Object.keys(sort).length > 0) {
    docs = [...docs].sort(compileSort(sort, options));
  }
  if (skip > 0 || limit > 0) docs = docs.slice(skip, limit > 0 ? skip + limit : undefined);
  if (projection && Object.keys(projection).length > 0) docs = docs.map((doc) => applyProjection(doc, projection));
  const firstBatchSize = limit > 0 && batchSize !== undefined && batchSize > 0 ? Math.min(limit, batchSize) : batchSize;
  return firstBatchReply(ctx, `${ctx.db}.${coll}`, docs, firstBatchSize, singleBatch);
};

/** count: `{ count, query, skip, limit }` → `{ n }`. */
export const count: CommandHandler = (ctx) => {
  const { body } = ctx;
  const coll = collectionNameOf(body, 'count');
  const query = optionalDocument(body, 'query') ?? {};
  const skip = nonNegative(toInteger(body.skip, 'skip'), 'skip') ?? 0;
  const limit = Math.abs(toInteger(body.limit, 'limit') ?? 0);
  let n = Math.max(0, matchingDocuments(ctx, coll, query, queryOptionsOf(body)).length - skip);
  if (limit > 0) n = Math.min(n, limit);
  return { n };
};

/** distinct: values at `key` over matching documents; array values count element by element. */
export const distinct: CommandHandler = (ctx) => {
  const { body } = ctx;
  const coll = collectionNameOf(body, 'distinct');
  if (typeof body.key !== 'string') {
    throw commandError('TypeMismatch', "BSON field 'distinct.key' is missing or not of type string");
  }
  const key = body.key;
  const query = optionalDocument(body, 'query') ?? {};
  const options = queryOptionsOf(body);
  const seen = new Map<string, unknown>();
  for (const doc of matchingDocuments(ctx, coll, query, options)) {
    for (const value of valuesAtPath(doc, key)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        const id = valueKey(item);
        if (!seen.has(id)) seen.set(id, item ?? null);
      }
    }
  }
  if (!options.collation) return { values: [...seen.values()].sort(compareValues) };
  // Under a collation, values the collation calls equal ('PING' and 'ping' at strength 1) are one.
  const byCollation = compileSort({ v: 1 }, { collation: options.collation });
  const sorted = [...seen.values()].map((v) => ({ v })).sort(byCollation);
  const values = sorted.filter((item, i) => i === 0 || byCollation(sorted[i - 1]!, item) !== 0).map((item) => item.v);
  return { values };
};
