import { type Document, Long } from 'bson';
import { ArrayCursor } from '../cursors/ArrayCursor.js';
import type { CursorBatch } from '../cursors/ServerCursor.js';
import type { CommandContext } from './CommandContext.js';

/** First batch size when the client gives none (mongod's default). */
const DEFAULT_FIRST_BATCH = 101;

/** The `cursor` sub-document of a reply. */
export function cursorDocument(id: Long, ns: string, field: 'firstBatch' | 'nextBatch', batch: CursorBatch): Document {
  return {
    cursor: {
      [field]: batch.docs,
      ...(batch.postBatchResumeToken ? { postBatchResumeToken: batch.postBatchResumeToken } : {}),
      id: batch.exhausted ? Long.ZERO : id,
      ns,
    },
  };
}

/**
 * Answers a find-like command over computed results: the first batch inline, the rest kept in a
 * registered cursor for getMore (none when everything fits or `singleBatch`).
 */
export function firstBatchReply(
  ctx: CommandContext,
  ns: string,
  docs: Document[],
  batchSize: number | undefined,
  singleBatch = false,
): Document {
  const id = ctx.server.cursors.newId();
  const cursor = new ArrayCursor(id, ns, docs);
  // batchSize 0 asks for an open cursor and no documents yet.
  const batch: CursorBatch =
    batchSize === 0 && docs.length > 0
      ? { docs: [], exhausted: false }
      : cursor.nextBatch(batchSize ?? DEFAULT_FIRST_BATCH);
  if (singleBatch && !batch.exhausted) {
    cursor.kill();
    batch.exhausted = true;
  }
  if (!batch.exhausted) ctx.server.cursors.add(cursor);
  return cursorDocument(id, ns, 'firstBatch', batch);
}
