export {
  type ChangeStream,
  type ChangeStreamDocument,
  type ChangeStreamState,
  type ChangeStreamTarget,
  type ConnectionStatus,
  createLiveClient,
  EJSON,
  type LiveClient,
  type LiveClientOptions,
  type LiveCollection,
  type LiveDb,
  LiveError,
  ObjectId,
  type QueryOptions,
  type ResumeToken,
  type StreamStatus,
  Timestamp,
  type WatchOptions,
} from '@mongo-live/client';
export { LiveContext } from './LiveContext.js';
export { LiveProvider, type LiveProviderProps } from './LiveProvider.js';
export * from './live-query/index.js';
export { type UseChangeStreamOptions, type UseChangeStreamResult, useChangeStream } from './useChangeStream.js';
export { useLiveClient } from './useLiveClient.js';
export { useLiveStatus } from './useLiveStatus.js';
