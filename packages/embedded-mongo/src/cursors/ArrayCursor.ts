import type { Document, Long } from 'bson';
import { BSON } from 'bson';
import type { CursorBatch, ServerCursor } from './ServerCursor.js';

/** Stop filling a batch once it reaches this many bytes (replies must stay under 16 MiB). */
const BATCH_BYTES = 15 * 1024 * 1024;

/** A cursor over results computed up front (find, aggregate, listCollections, listIndexes). */
export class ArrayCursor implements ServerCursor {
  private position = 0;

  constructor(
    readonly id: Long,
    readonly ns: string,
    private docs: Document[],
  ) {}

  async getMore(options: { batchSize?: number }): Promise<CursorBatch> {
    return this.nextBatch(options.batchSize);
  }

  /** Synchronous form of getMore: a batch of at most `batchSize` (no limit when 0 or absent). */
  nextBatch(batchSize?: number): CursorBatch {
    const limit = batchSize && batchSize > 0 ? batchSize : Number.POSITIVE_INFINITY;
    const batch: Document[] = [];
    let bytes = 0;
    while (this.position < this.docs.length && batch.length < limit) {
      const doc = this.docs[this.position]!;
      bytes += BSON.calculateObjectSize(doc);
      if (bytes > BATCH_BYTES && batch.length > 0) break;
      batch.push(doc);
      this.position++;
    }
    const exhausted = this.position >= this.docs.length;
    if (exhausted) this.docs = [];
    return { docs: batch, exhausted };
  }

  kill(): void {
    this.docs = [];
    this.position = 0;
  }
}
