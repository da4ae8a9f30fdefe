import type { ErrorCode, WireError } from '@mongo-live/protocol';

/**
 * The one error type of mongo-live on the client. `code` says what happened
 * (see `ERROR_CODES` in @mongo-live/protocol); `mongoCode` is MongoDB's own code when the
 * failure came from the database.
 *
 * @example
 * try { await stream.next(); } catch (e) { if (e instanceof LiveError && e.code === 'HISTORY_LOST') refetch(); }
 */
export class LiveError extends Error {
  readonly code: ErrorCode | (string & {});
  readonly mongoCode: number | undefined;

  constructor(code: ErrorCode | (string & {}), message: string, mongoCode?: number) {
    super(message);
    this.name = 'LiveError';
    this.code = code;
    this.mongoCode = mongoCode;
  }

  /** Builds a LiveError from the error object of an ack or a server message. */
  static fromWire(error: WireError): LiveError {
    return new LiveError(error.code, error.message, error.mongoCode);
  }
}
