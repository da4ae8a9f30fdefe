// @mongo-live/react: the table of contents. Every name here is documented in README.md
// (test/react/exports.test.ts compares the two).
export {
  type ChangeStream,
  type ChangeStreamDocument,
  type ChangeStreamState,
  type ConnectionStatus,
  createLiveClient,
  EJSON,
  type LiveClient,
  type LiveClientOptions,
  type LiveCollection,
  type LiveDb,
  LiveError,
  type LiveQueryStatus,
  ObjectId,
  type QueryOptions,
  type ResumeToken,
  type StreamStatus,
  Timestamp,
  type WatchOptions,
  type WatchTarget,
} from '@mongo-live/client';
export { LiveProvider, type LiveProviderProps } from './LiveProvider.js';
export { type LiveCountSpec, liveCountKey, liveCountOptions } from './live-count/liveCountOptions.js';
export { type UseLiveCountOptions, useLiveCount } from './live-count/useLiveCount.js';
export {
  type LivePagesData,
  livePagesKey,
  type UseLiveInfiniteQueryOptions,
  type UseLiveInfiniteQueryResult,
  useLiveInfiniteQuery,
} from './live-pages/useLiveInfiniteQuery.js';
export { liveDehydrateOptions, liveHydrateOptions } from './live-query/hydration.js';
export { type LiveQueryKey, type LiveQuerySpec, liveQueryKey } from './live-query/liveQueryKey.js';
export { liveQueryOptions } from './live-query/liveQueryOptions.js';
export {
  type UseLiveQueryOptions,
  type UseLiveQueryResult,
  type UseSuspenseLiveQueryResult,
  useLiveQuery,
  useLiveQueryStatus,
  useSuspenseLiveQuery,
} from './live-query/useLiveQuery.js';
export { createServerRenderClient } from './serverRenderClient.js';
export { type UseChangeStreamOptions, type UseChangeStreamResult, useChangeStream } from './useChangeStream.js';
export { useLiveClient } from './useLiveClient.js';
export { useLiveStatus } from './useLiveStatus.js';
