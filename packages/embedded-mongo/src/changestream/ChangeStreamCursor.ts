import { calculateObjectSize, type Document, type Long } from 'bson';
import type { CursorBatch, ServerCursor } from '../cursors/ServerCursor.js';
import { CommandError } from '../errors.js';
import type { Oplog } from '../oplog/Oplog.js';
import { eventsForEntry } from './changeEvents.js';
import type { EventPipeline } from './eventPipeline.js';
import type { ChangeStreamSpec } from './parseChangeStreamSpec.js';
import {
  comparePositions,
  HIGH_WATER_MARK_STEP,
  highWaterMarkToken,
  previousTimestamp,
  type StreamPosition,
} from './resumeToken.js';
import type { ChangeStreamContext } from './types.js';

/** Stop filling a batch past this many bytes, below MongoDB's 16 MiB reply limit. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
/** Oplog entries read per slice while scanning, so a long history is not copied at once. */
const SCAN_SLICE = 1024;

/** Where a new cursor starts: the position already consumed, and the token that names it. */
export interface CursorStart {
  position: StreamPosition;
  token: Document;
}

/**
 * A change-stream cursor: each getMore scans the oplog past the stream's position, turns entries
 * into events, runs the user's stages, and waits on `oplog.onAppend` (up to maxTimeMS) when there
 * is nothing yet. Its position always names the last thing consumed, so `postBatchResumeToken`
 * is either the last event's token or a high-water mark past entries that matched nothing.
 */
export class ChangeStreamCursor implements ServerCursor {
  readonly id: Long;
  readonly ns: string;
  private position: StreamPosition;
  private positionToken: Document;
  private invalidated = false;
  private killed = false;
  /** Wakes a getMore that is waiting for writes; set only while one waits. */
  private wake: (() => void) | undefined;

  constructor(
    private readonly ctx: ChangeStreamContext,
    private readonly spec: ChangeStreamSpec,
    private readonly pipeline: EventPipeline,
    start: CursorStart,
    ns: string,
  ) {
    this.id = ctx.newCursorId();
    this.ns = ns;
    this.position = start.position;
    this.positionToken = start.token;
  }

  async getMore(options: { batchSize?: number; maxTimeMS?: number }): Promise<CursorBatch> {
    const limit =
      options.batchSize === undefined || options.batchSize < 0 ? Number.POSITIVE_INFINITY : options.batchSize;
    if (this.killed || limit === 0) return this.batch([]);
    let docs = this.scan(limit);
    const maxTimeMS = options.maxTimeMS ?? 0;
    if (docs.length > 0 || this.invalidated || maxTimeMS <= 0) return this.batch(docs);
    const deadline = Date.now() + maxTimeMS;
    while (!this.killed) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || !(await this.waitForAppend(this.ctx.oplog, remaining))) break;
      docs = this.scan(limit);
      if (docs.length > 0 || this.invalidated) break;
    }
    return this.batch(docs);
  }

  kill(): void {
    this.killed = true;
    this.wake?.();
  }

  private batch(docs: Document[]): CursorBatch {
    return { docs, postBatchResumeToken: this.positionToken, exhausted: this.invalidated || this.killed };
  }

  /** Resolves true on the next append, false on timeout or kill; leaves no listener or timer behind. */
  private waitForAppend(oplog: Oplog, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (appended: boolean) => {
        unsubscribe();
        clearTimeout(timer);
        this.wake = undefined;
        resolve(appended);
      };
      const unsubscribe = oplog.onAppend(() => finish(true));
      const timer = setTimeout(() => finish(false), ms);
      this.wake = () => finish(false);
    });
  }

  /** Reads events past the position, up to `limit`, advancing the position as it goes. */
  private scan(limit: number): Document[] {
    const docs: Document[] = [];
    let bytes = 0;
    const { oplog } = this.ctx;
    if (oplog.isLost(this.position.ts)) {
      // The reader fell behind the bounded history: like a tailing oplog scan in mongod, it cannot go on.
      throw new CommandError(
        136,
        'CappedPositionLost',
        `CollectionScan died due to position in capped collection being deleted. Last seen record id: ${this.position.ts.toString()}`,
      );
    }
    // An event position may still have later steps (an invalidate) in its own entry: re-read it.
    let after = this.position.step === HIGH_WATER_MARK_STEP ? this.position.ts : previousTimestamp(this.position.ts);
    for (;;) {
      const entries = oplog.entriesAfter(after, SCAN_SLICE);
      if (entries.length === 0) return docs;
      for (const entry of entries) {
        for (const pending of eventsForEntry(entry, this.spec, this.ctx)) {
          const position = { ts: entry.ts, step: pending.step };
          if (comparePositions(position, this.position) <= 0) continue;
          let event: Document;
          let out: Document | undefined;
          try {
            event = pending.build();
            out = this.pipeline(event, entry.ts);
          } catch (error) {
            // Deliver what came before the failing event; the next getMore fails on it again.
            if (docs.length > 0) return docs;
            throw error;
          }
          this.position = position;
          this.positionToken = event._id as Document;
          if (out !== undefined) {
            docs.push(out);
            bytes += calculateObjectSize(out);
          }
          if (pending.invalidate) {
            this.invalidated = true;
            return docs;
          }
          if (docs.length >= limit || bytes >= MAX_BATCH_BYTES) return docs;
        }
        if (comparePositions({ ts: entry.ts, step: HIGH_WATER_MARK_STEP }, this.position) > 0) {
          this.position = { ts: entry.ts, step: HIGH_WATER_MARK_STEP };
          this.positionToken = highWaterMarkToken(entry.ts);
        }
        after = entry.ts;
      }
    }
  }
}
