import { type ErrorCode, isErrorCode, MONGO_HISTORY_LOST, type WireError } from '@mongo-live/protocol';

/** An error with a wire code, thrown inside the bridge and turned into an ack error. */
export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly mongoCode: number | undefined;
  constructor(code: ErrorCode, message: string, mongoCode?: number) {
    super(message);
    this.name = 'BridgeError';
    this.code = code;
    this.mongoCode = mongoCode;
  }
}

/** MongoDB error codes that mean "the change stream was invalidated / cannot continue here". */
const INVALIDATING_CODES = new Set<number>([
  // CloseChangeStream / collection dropped while resuming
  234,
]);

/**
 * Maps anything thrown (our errors, driver errors, bugs) to a {@link WireError}. Driver errors keep
 * their numeric code in `mongoCode`; bugs become SERVER_ERROR without leaking stack traces.
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof BridgeError) {
    const wire: WireError = { code: error.code, message: error.message };
    if (error.mongoCode !== undefined) wire.mongoCode = error.mongoCode;
    return wire;
  }
  const message = error instanceof Error ? error.message : String(error);
  // Errors of the live-query service (LiveQueryError) and similar carry a wire code already.
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  if (isErrorCode(code)) {
    const wire: WireError = { code, message };
    const extra = (error as { mongoCode?: unknown }).mongoCode;
    if (typeof extra === 'number') wire.mongoCode = extra;
    return wire;
  }
  const mongoCode = mongoCodeOf(error);
  if (mongoCode === MONGO_HISTORY_LOST)
    return { code: 'HISTORY_LOST', message: `change history is gone: ${message}`, mongoCode };
  if (mongoCode !== undefined && INVALIDATING_CODES.has(mongoCode))
    return { code: 'STREAM_INVALIDATED', message, mongoCode };
  const wire: WireError = { code: 'SERVER_ERROR', message };
  if (mongoCode !== undefined) wire.mongoCode = mongoCode;
  return wire;
}

/** The numeric MongoDB error code of a driver error, if it has one. */
export function mongoCodeOf(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}
