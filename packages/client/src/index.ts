export { EJSON, ObjectId, Timestamp } from 'bson';
export type { ChangeStreamDocument, Document, Filter, ResumeToken, Sort, WithId } from 'mongodb';
export { ChangeStream, type ChangeStreamEvents } from './ChangeStream.js';
export {
  ChangeStreamObserver,
  type ChangeStreamObserverOptions,
  type ChangeStreamState,
  type ChangeStreamTarget,
  DEFAULT_MAX_EVENTS,
} from './ChangeStreamObserver.js';
export { decodeValue } from './decodeValue.js';
export { Emitter, type EventMap } from './Emitter.js';
export { DEFAULT_HEARTBEAT, type HeartbeatOptions } from './Heartbeat.js';
export {
  createLiveClient,
  type LiveClient,
  type LiveClientOptions,
  type LiveCollection,
  type LiveDb,
  liveClientOver,
} from './LiveClient.js';
export { LiveError } from './LiveError.js';
export {
  type AckData,
  type ConnectionStatus,
  isConnectionUp,
  type LiveTransport,
  type RequestPayload,
} from './LiveTransport.js';
export * from './live-query/index.js';
export { type QueryOptions, toQuerySpec, toWireSort } from './querySpec.js';
export { type LiveSocket, SocketTransport, type SocketTransportOptions } from './SocketTransport.js';
export type { StreamStatus } from './StreamSubscription.js';
export { DEFAULT_MAX_AWAIT_TIME_MS, type WatchOptions } from './watchOptions.js';
