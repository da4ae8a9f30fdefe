// `prefetchLiveQuery` is not re-exported from @mongo-live/server-bridge's index yet; once it is,
// import it from '@mongo-live/server-bridge' and delete this file.
export {
  type PrefetchSpec,
  prefetchLiveQuery,
} from '../../../packages/server-bridge/src/live-query/prefetchLiveQuery';
