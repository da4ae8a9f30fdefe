export { type Codec, type CodecClasses, createCodec, type EJSONImplementation } from './codec.js';
export { decode, decodeExact, type EJSONDocument, type EJSONValue, encode } from './ejson.js';
export { ERROR_CODES, type ErrorCode, isErrorCode, MONGO_HISTORY_LOST, type WireError } from './errors.js';
export {
  type AckData,
  CLIENT_EVENTS,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from './events.js';
export type * from './messages.js';
export {
  liveCountKeyOf,
  livePagesKeyOf,
  liveQueryKeyOf,
  type QueryShape,
  toQuerySpec,
  toWireSort,
  UnsupportedSortError,
} from './querySpec.js';
export { DEFAULT_NAMESPACE, PROTOCOL_VERSION } from './version.js';
