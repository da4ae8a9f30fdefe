// @mongo-live/server-bridge: the table of contents. Every name here is in README.md's `| export |`
// table (test/client/publicSurface.test.ts compares the two).
export {
  type AccessDecision,
  type AccessRequest,
  type Authorize,
  allowAll,
  type RemovalsWithoutPreImage,
} from './access/AccessPolicy.js';
export {
  type Bridge,
  type BridgeOptions,
  type BridgeStats,
  type CloseOptions,
  createBridge,
} from './createBridge.js';
export { liveDehydrateOptions } from './driverBson.js';
export { type BridgeLimits, DEFAULT_LIMITS } from './limits.js';
export {
  liveQueryKeyOf,
  type PrefetchContext,
  type PrefetchSpec,
  prefetchLiveCount,
  prefetchLivePages,
  prefetchLiveQuery,
  type QueryClientLike,
} from './live-query/prefetchLiveQuery.js';
export { RECOMMENDED_SERVER_HEARTBEAT } from './session/heartbeat.js';
export { defaultUserOf, type UserOf } from './session/UserBudgets.js';
export { ALLOWED_STAGES, FORBIDDEN_OPERATORS } from './validation/pipelineGuard.js';
