import type { ErrorCode, WireError } from '@mongo-live/protocol';

/**
 * An error of the live-query service with a wire error code, so the bridge can ack it as is.
 *
 * @example
 * throw new LiveQueryError('INVALID_REQUEST', 'projection cannot mix inclusion and exclusion');
 */
export class LiveQueryError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly mongoCode?: number,
  ) {
    super(message);
    this.name = 'LiveQueryError';
  }
}

/**
 * Turns anything thrown by the driver or the engine into a {@link WireError}.
 *
 * @example
 * emitError(queryId, toWireError(e));
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof LiveQueryError)
    return error.mongoCode === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, mongoCode: error.mongoCode };
  const e = error as { message?: unknown; code?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (typeof e?.code === 'number') {
    return { code: e.code === 286 ? 'HISTORY_LOST' : 'SERVER_ERROR', message, mongoCode: e.code };
  }
  return { code: 'SERVER_ERROR', message };
}
