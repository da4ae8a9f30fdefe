/**
 * The query engine of the embedded server: filters, BSON comparison, sort, projection, updates,
 * upsert seeds and aggregation, with MongoDB 7.0 semantics. Storage, commands and change streams
 * all go through here.
 */
export { compareValues } from './compareValues.js';
export { compileFilter } from './filter/compileFilter.js';
export { runPipeline } from './pipeline/runPipeline.js';
export { applyProjection, compileProjection } from './projection/applyProjection.js';
export { compileSort } from './sort.js';
export { applyUpdate } from './update/applyUpdate.js';
export { upsertSeed } from './upsertSeed.js';
