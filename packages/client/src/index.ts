// @mongo-live/client: the table of contents. Every name here is documented in README.md
// (test/client/exports.test.ts compares the two).

export type { AckData, WatchTarget } from '@mongo-live/protocol';
export type { ChangeStreamDocument, Document, Filter, ResumeToken, Sort, WithId } from 'mongodb';
export { EJSON, ObjectId, Timestamp } from './bsonValues.js';
export { ChangeStream, type ChangeStreamEvents, type StreamStatus } from './change-stream/ChangeStream.js';
export {
  ChangeStreamObserver,
  type ChangeStreamObserverOptions,
  type ChangeStreamState,
  DEFAULT_MAX_EVENTS,
} from './change-stream/ChangeStreamObserver.js';
export { DEFAULT_MAX_AWAIT_TIME_MS, type WatchOptions } from './change-stream/watchOptions.js';
export {
  createLiveClient,
  type LiveClient,
  type LiveClientOptions,
  type LiveCollection,
  type LiveDb,
  type LivePagesOptions,
  liveClientOver,
} from './LiveClient.js';
export { LiveError } from './LiveError.js';
export { type CountSpec, LiveCount, type LiveCountState } from './live-count/LiveCount.js';
export { LivePages, type LivePagesState, type PagesSpec } from './live-pages/LivePages.js';
export { LiveQuery, type LiveQueryOptions, type LiveQueryState } from './live-query/LiveQuery.js';
export type { QueryOptions } from './querySpec.js';
export { Subscribable } from './Subscribable.js';
export type { LiveQueryStatus } from './subscription/LiveResult.js';
export { DEFAULT_HEARTBEAT, type HeartbeatOptions } from './transport/Heartbeat.js';
export {
  type ConnectionStatus,
  isConnectionUp,
  type LiveTransport,
  type RequestPayload,
} from './transport/LiveTransport.js';
