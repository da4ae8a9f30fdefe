/**
 * The query engine of the embedded server: filters, BSON comparison, sort, projection, updates,
 * upsert seeds and aggregation, with MongoDB 7.0 semantics. Storage, commands and change streams
 * all go through here.
 *
 * Beyond the shared contract, some functions take optional extras:
 * - `applyUpdate(doc, update, { query })` resolves the positional `$` (without `query` it is a
 *   BadValue, as MongoDB reports an unmatched `$`); `now` / `clusterTime` fix `$currentDate` and
 *   `$$NOW`/`$$CLUSTER_TIME` for one command; `variables` feeds pipeline updates (`let`).
 * - `compileFilter(filter, { collation, variables })`: `variables` are `$$` names for `$expr`.
 * - `compileSort(sort, { collation })`.
 * - `compileProjection(projection)` parses once for many documents.
 */
export { compareValues } from '@mongo-live/bson-order';
export { compileFilter } from './filter/compileFilter.js';
export { runPipeline } from './pipeline/runPipeline.js';
export { applyProjection, compileProjection } from './projection/applyProjection.js';
export { compileSort } from './sort.js';
export { applyUpdate } from './update/applyUpdate.js';
export { upsertSeed } from './upsertSeed.js';
