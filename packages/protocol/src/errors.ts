/**
 * Error codes carried in acks and stream errors. `LiveError.code` on the client is one of
 * these (or a future code: treat unknown codes as `SERVER_ERROR`).
 */
export const ERROR_CODES = [
  /** `authorize` said no, or a pipeline stage is not allowed for clients. */
  'UNAUTHORIZED',
  /** The message is malformed: wrong types, unknown fields, forbidden keys, bad protocol version. */
  'INVALID_REQUEST',
  /** A limit of the bridge was hit: subscriptions per socket, payload size, queue bytes... */
  'LIMIT_EXCEEDED',
  /** The resume point is older than the oplog / change history the server keeps (MongoDB code 286). */
  'HISTORY_LOST',
  /** The change stream was invalidated (collection dropped or renamed, database dropped). */
  'STREAM_INVALIDATED',
  /** The socket is not connected; the request could not be sent or was interrupted. */
  'DISCONNECTED',
  /** The stream, query, client or bridge was closed. */
  'CLOSED',
  /** Anything else that failed on the server; `mongoCode` tells the MongoDB error code if any. */
  'SERVER_ERROR',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Error as it travels on the wire. */
export interface WireError {
  code: ErrorCode;
  message: string;
  /** MongoDB server error code, when the failure came from MongoDB. */
  mongoCode?: number;
}

/**
 * True when `value` is one of the known error codes.
 *
 * @example
 * isErrorCode('HISTORY_LOST') // true
 */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** MongoDB's ChangeStreamHistoryLost code. */
export const MONGO_HISTORY_LOST = 286;
