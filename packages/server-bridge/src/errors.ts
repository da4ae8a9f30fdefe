import { type ErrorCode, MONGO_HISTORY_LOST, type WireError } from '@mongo-live/protocol';

/**
 * The one error type of the bridge: validation, authorization, limits, evaluation and the
 * live-query service all throw it, and {@link toWireError} turns it into the ack or stream error.
 * Its message is written for the client, so it must never contain another user's data.
 *
 * @example
 * throw new BridgeError('LIMIT_EXCEEDED', 'at most 100 subscriptions per socket (maxSubscriptionsPerSocket)');
 */
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
 * MongoDB errors whose message quotes stored values (a failed conversion of another user's field
 * in `$expr`, a duplicate key, a validation failure): only their code and name are sent.
 */
const VALUE_BEARING_CODES = new Set<number>([
  // ConversionFailure, DuplicateKey (two codes), DocumentValidationFailure
  241, 11000, 11001, 121,
]);

/** Longest message sent to a client; server messages can be long and are rarely useful past this. */
const MAX_MESSAGE_LENGTH = 500;

/**
 * Maps anything thrown (our errors, driver errors, bugs) to a {@link WireError}. Driver errors keep
 * their numeric code in `mongoCode`; messages never carry stack traces, connection strings or
 * host:port addresses, and database messages that quote stored values are replaced by the error's
 * code name.
 *
 * @example
 * reply(ack, { ok: false, error: toWireError(error) });
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof BridgeError) {
    const wire: WireError = { code: error.code, message: sanitizeMessage(error.message) };
    if (error.mongoCode !== undefined) wire.mongoCode = error.mongoCode;
    return wire;
  }
  const mongoCode = mongoCodeOf(error);
  const message = messageOf(error, mongoCode);
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

function messageOf(error: unknown, mongoCode: number | undefined): string {
  if (mongoCode !== undefined && VALUE_BEARING_CODES.has(mongoCode)) {
    const name = (error as { codeName?: unknown }).codeName;
    return `the database refused the operation (${typeof name === 'string' ? `${name}, ` : ''}code ${mongoCode})`;
  }
  return sanitizeMessage(error instanceof Error ? error.message : String(error));
}

/**
 * Removes what a message must not tell a browser: connection strings, host:port pairs and IP
 * addresses (the driver names the server it talked to), and anything past a few hundred characters.
 *
 * @example
 * sanitizeMessage('connection 3 to 10.0.0.7:27017 closed') // 'connection 3 to <address> closed'
 */
export function sanitizeMessage(message: string): string {
  const clean = message
    .replace(/mongodb(?:\+srv)?:\/\/\S+/gi, '<uri>')
    .replace(/\[[0-9a-f:.]*:[0-9a-f:.]*\](?::\d+)?/gi, '<address>')
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, '<address>')
    .replace(/\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*:\d{2,5}\b/gi, '<address>');
  return clean.length > MAX_MESSAGE_LENGTH ? `${clean.slice(0, MAX_MESSAGE_LENGTH)}…` : clean;
}
