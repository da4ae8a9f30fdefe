/** Codes a change-stream getMore may resume after: mongod labels them ResumableChangeStreamError. */
export const RESUMABLE_CHANGE_STREAM_CODES: ReadonlySet<number> = new Set([
  6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 63, 150, 13388, 234, 133,
]);

/** Codes a retryable write may be retried after: mongod labels them RetryableWriteError. */
export const RETRYABLE_WRITE_CODES: ReadonlySet<number> = new Set([
  6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
]);
