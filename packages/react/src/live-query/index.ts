// Owned by the live-query work (issue 6): useLiveQuery, useSuspenseLiveQuery, liveQueryOptions.
export { liveDehydrateOptions, liveHydrateOptions } from './hydration.js';
export { LiveQueryRegistry, type LiveStatus } from './LiveQueryRegistry.js';
export { useLiveClientForQueries } from './liveClientSource.js';
export { keyOfWireSpec, type LiveQueryKey, type LiveQuerySpec, liveQueryKey, toWireSpec } from './liveQueryKey.js';
export { liveQueryOptions } from './liveQueryOptions.js';
export {
  type UseLiveQueryOptions,
  useLiveQuery,
  useLiveQueryStatus,
  useSuspenseLiveQuery,
} from './useLiveQuery.js';
