import type { Document, Long } from 'bson';

/** One batch as `find`/`aggregate`/`getMore` return it. */
export interface CursorBatch {
  docs: Document[];
  /** Change streams: resume token after this batch. */
  postBatchResumeToken?: Document;
  /** True when the cursor has nothing more: its id is reported as 0 and it is forgotten. */
  exhausted: boolean;
}

/**
 * A server-side cursor kept between getMores. Plain query cursors are backed by an array;
 * change-stream cursors wait on the oplog (awaitData).
 */
export interface ServerCursor {
  readonly id: Long;
  /** `db.collection` as reported in the cursor reply's `ns`. */
  readonly ns: string;
  /** Next batch. `maxTimeMS` (awaitData) bounds how long a tailable cursor may wait for data. */
  getMore(options: { batchSize?: number; maxTimeMS?: number }): Promise<CursorBatch>;
  /** Releases resources (listeners, timers). Idempotent. */
  kill(): void;
}
