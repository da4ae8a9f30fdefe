// The live-query semantics without I/O, for code outside the bridge that must agree with it to the
// letter (the in-memory testing client of @mongo-live/client/testing): filter matching, sort order
// with the `_id` tiebreak, skip/limit windows, projection and the diffs they produce. Nothing here
// touches the network or the driver's connection; BSON comes through driverBson.ts, which the
// client's testing build (packages/client/tsup.config.ts) and the repository's Storybook replace
// with packages/client/src/testing/engineBson.ts (the same names from `bson`). Not a published
// entry of this package: @mongo-live/client/testing ships it bundled.
export type { EffectiveQuery } from './access/effectiveQuery.js';
export { Projection } from './access/Projection.js';
export { LiveQueryEngine } from './live-query/LiveQueryEngine.js';
export { compileMatcher, type Matcher } from './live-query/matcher.js';
export { normalizeNumbers } from './live-query/normalize.js';
export { LOOKAHEAD, PageSet } from './live-query/PageSet.js';
export { SortOrder } from './live-query/SortOrder.js';
export { valueKey } from './live-query/valueKey.js';
