import type { Document } from 'bson';

/**
 * A command failure as MongoDB reports it: `{ ok: 0, errmsg, code, codeName, ...extra }`.
 * Thrown anywhere inside a command handler; the connection turns it into the reply.
 */
export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  /** Extra reply fields, e.g. `errorLabels`, `keyPattern`, `keyValue`, `writeErrors`. */
  readonly extra: Document | undefined;

  constructor(code: number, codeName: string, message: string, extra?: Document) {
    super(message);
    this.name = 'CommandError';
    this.code = code;
    this.codeName = codeName;
    this.extra = extra;
  }

  /** The reply document MongoDB sends for this error. */
  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

/** MongoDB error codes used by the embedded server (names as in MongoDB's error_codes.yml). */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  TypeMismatch: 14,
  InvalidLength: 16,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  MaxTimeMSExpired: 50,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  NotSingleValueField: 54,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  NotWritablePrimary: 10107,
  HostUnreachable: 6,
  HostNotFound: 7,
  NetworkTimeout: 89,
  ShutdownInProgress: 91,
  PrimarySteppedDown: 189,
  ExceededTimeLimit: 262,
  SocketException: 9001,
  NotPrimaryNoSecondaryOk: 13435,
  NotPrimaryOrSecondary: 13436,
  StaleShardVersion: 63,
  StaleEpoch: 150,
  StaleConfig: 13388,
  RetryChangeStream: 234,
  FailedToSatisfyReadPreference: 133,
  ChangeStreamFatalError: 280,
  ChangeStreamHistoryLost: 286,
  NoMatchingDocument: 47,
  InvalidResumeToken: 260,
  Location40324: 40324,
  DuplicateKey: 11000,
  Unauthorized: 13,
  NotImplemented: 238,
  OperationFailed: 96,
  QueryFeatureNotAllowed: 224,
  Location40573: 40573,
  UnknownError: 8,
  InvalidIndexSpecificationOption: 197,
  InvalidPipelineOperator: 168,
  OptionNotSupportedOnView: 167,
  CommandNotSupportedOnView: 166,
  ViewDepthLimitExceeded: 165,
  WriteConflict: 112,
  ConflictingOperationInProgress: 117,
  TransactionTooOld: 225,
  NoSuchTransaction: 251,
  TransactionCommitted: 256,
  OperationNotSupportedInTransaction: 263,
  SnapshotTooOld: 239,
  DocumentValidationFailure: 121,
} as const;

/** Looks up the codeName of a known code, for errors built from a bare number (e.g. failCommand). */
export function codeNameOf(code: number): string {
  for (const [name, value] of Object.entries(ErrorCode)) if (value === code) return name;
  return `Location${code}`;
}

/** Shorthand: `throw commandError('BadValue', 'msg')`. */
export function commandError(name: keyof typeof ErrorCode, message: string, extra?: Document): CommandError {
  return new CommandError(ErrorCode[name], name, message, extra);
}

/** Any thrown value as a command error reply; unexpected exceptions become InternalError (1). */
export function errorReply(error: unknown): Document {
  if (error instanceof CommandError) return error.toReply();
  const message = error instanceof Error ? error.message : String(error);
  return new CommandError(ErrorCode.InternalError, 'InternalError', `embedded server error: ${message}`).toReply();
}
