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
import { eventTooLarge, needsSplit, splitLargeEvent } from './splitLargeEvent.js';
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

  async getMore(options: {
    batchSize?: number;
    maxTimeMS?: number;
    during?: 'aggregate' | 'getMore';
  }): Promise<CursorBatch> {
    const limit =
      options.batchSize === undefined || options.batchSize < 0 ? Number.POSITIVE_INFINITY : options.batchSize;
    if (this.killed || limit === 0) return this.batch([]);
    let docs = this.scan(limit, options.during ?? 'getMore');
    const maxTimeMS = options.maxTimeMS ?? 0;
    if (docs.length > 0 || this.invalidated || maxTimeMS <= 0) return this.batch(docs);
    const deadline = Date.now() + maxTimeMS;
    while (!this.killed) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || !(await this.waitForAppend(this.ctx.oplog, remaining))) break;
      docs = this.scan(limit, 'getMore');
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
  private scan(limit: number, during: 'aggregate' | 'getMore'): Document[] {
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
    // One value per operation, as MongoDB evaluates $$CLUSTER_TIME and $$NOW.
    const variables = { CLUSTER_TIME: this.ctx.clusterTime(), NOW: new Date() };
    /** Adds a document unless the batch is full; false when it did not fit (nothing consumed). */
    const add = (doc: Document, size: number): boolean => {
      if (docs.length > 0 && bytes + size > MAX_BATCH_BYTES) return false;
      docs.push(doc);
      bytes += size;
      return true;
    };
    // An event position may still have later steps (an invalidate) in its own entry: re-read it.
    let after = this.position.step === HIGH_WATER_MARK_STEP ? this.position.ts : previousTimestamp(this.position.ts);
    for (;;) {
      const entries = oplog.entriesAfter(after, SCAN_SLICE);
      if (entries.length === 0) return docs;
      for (const entry of entries) {
        // When the batch ends with an event, its postBatchResumeToken is that event's token.
        let returnedHere = false;
        for (const pending of eventsForEntry(entry, this.spec, this.ctx)) {
          const position = { ts: entry.ts, step: pending.step };
          if (comparePositions(position, this.position) <= 0) continue;
          let out: Document | undefined;
          let event: Document;
          try {
            event = pending.build();
            out = this.pipeline.run(event, variables);
          } catch (error) {
            // Deliver what came before the failing event; the next getMore fails on it again.
            if (docs.length > 0) return docs;
            throw error;
          }
          if (out !== undefined && needsSplit(out)) {
            const outcome = this.addLarge(out, position, add, during, docs.length);
            if (outcome === 'full') return docs;
            returnedHere ||= outcome === 'added';
            if (docs.length >= limit) return docs;
            continue;
          }
          if (out !== undefined) {
            if (!add(out, calculateObjectSize(out))) return docs;
            returnedHere = true;
          }
          this.position = position;
          this.positionToken = event._id as Document;
          if (pending.invalidate) {
            this.invalidated = true;
            return docs;
          }
          if (docs.length >= limit) return docs;
        }
        const mark = { ts: entry.ts, step: HIGH_WATER_MARK_STEP };
        if (!returnedHere && comparePositions(mark, this.position) > 0) {
          this.position = mark;
          this.positionToken = highWaterMarkToken(entry.ts);
        }
        after = entry.ts;
      }
    }
  }

  /**
   * An event over 16 MiB: its fragments with `$changeStreamSplitLargeEvent` (skipping those a
   * resumed stream already saw), else BSONObjectTooLarge. 'full' when the batch has no room left.
   */
  private addLarge(
    out: Document,
    position: StreamPosition,
    add: (doc: Document, size: number) => boolean,
    during: 'aggregate' | 'getMore',
    batched: number,
  ): 'added' | 'skipped' | 'full' {
    if (!this.pipeline.splitLargeEvents) {
      const tooLarge = eventTooLarge(out, during);
      if (tooLarge) {
        if (batched > 0) return 'full'; // deliver what came before; the next getMore fails on it
        throw tooLarge;
      }
      if (!add(out, calculateObjectSize(out))) return 'full';
      this.position = position;
      this.positionToken = out._id as Document;
      return 'added';
    }
    const fragments = splitLargeEvent(out);
    const inside =
      this.position.fragment !== undefined &&
      comparePositions({ ...this.position, fragment: undefined }, position) === 0;
    const first = inside ? this.position.fragment! + 1 : 0;
    let added = false;
    for (let k = first; k < fragments.length; k++) {
      const fragment = fragments[k]!;
      if (!add(fragment, calculateObjectSize(fragment))) return 'full';
      this.position = { ...position, fragment: k };
      this.positionToken = fragment._id as Document;
      added = true;
    }
    if (!added) {
      // Every fragment was seen before (resumed from the last one): the event is consumed.
      this.position = position;
    }
    return added ? 'added' : 'skipped';
  }
}
