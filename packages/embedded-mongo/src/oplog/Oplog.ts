import { Timestamp } from 'bson';
import type { OplogEntry } from './OplogEntry.js';

/**
 * The server's bounded, in-order history of writes. Change streams read from it and wait on it.
 * When more than `capacity` entries were written, the oldest are dropped, and a change stream that
 * wants to resume before what is left gets ChangeStreamHistoryLost (286) — as on a real oplog.
 */
export class Oplog {
  private readonly entries: OplogEntry[] = [];
  private start = 0; // index in `entries` of the oldest retained entry (compacted lazily)
  private readonly listeners = new Set<() => void>();
  /** Ts of the newest entry ever dropped from the history, if any. */
  private droppedUpTo: Timestamp | undefined;

  /**
   * @param historyStart when the history begins (the server's start): like a new replica set's
   *   oplog, nothing before it can be replayed (`startAtOperationTime` earlier gets 286).
   */
  constructor(
    readonly capacity = 100_000,
    readonly historyStart: Timestamp = new Timestamp({ t: 0, i: 0 }),
  ) {}

  append(entry: OplogEntry): void {
    this.entries.push(entry);
    if (this.entries.length - this.start > this.capacity) {
      this.droppedUpTo = this.entries[this.start]!.ts;
      this.start++;
      if (this.start > 1024 && this.start * 2 > this.entries.length) {
        this.entries.splice(0, this.start);
        this.start = 0;
      }
    }
    for (const listener of [...this.listeners]) listener();
  }

  /** Entries with `ts` strictly after `after` (all retained entries when `after` is undefined). */
  entriesAfter(after: Timestamp | undefined, limit = Number.POSITIVE_INFINITY): OplogEntry[] {
    let lo = this.start;
    if (after) {
      let hi = this.entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.entries[mid]!.ts.compare(after) <= 0) lo = mid + 1;
        else hi = mid;
      }
    }
    const end = Math.min(this.entries.length, lo + limit);
    return this.entries.slice(lo, end);
  }

  /** Oldest retained entry, if any. */
  oldest(): OplogEntry | undefined {
    return this.entries[this.start];
  }

  /** Newest entry, if any. */
  newest(): OplogEntry | undefined {
    return this.entries.length > this.start ? this.entries[this.entries.length - 1] : undefined;
  }

  /** True when entries after `ts` may have been dropped (resuming there would lose history). */
  isLost(ts: Timestamp): boolean {
    return this.droppedUpTo !== undefined && ts.compare(this.droppedUpTo) < 0;
  }

  /** Calls `listener` after every append; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
