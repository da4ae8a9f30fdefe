import type { Document } from 'mongodb';
import type { PositionKey } from './position.js';

/** One event the feed dispatched, with its position. */
export interface BufferedEvent {
  key: PositionKey;
  event: Document;
}

/**
 * The feed's most recent events, bounded by count. It holds every event after {@link base} up to
 * the feed's position, so a subscription that resumes from a position at or after `base` is served
 * from memory instead of from a MongoDB stream of its own.
 *
 * @example
 * const buffer = new ReplayBuffer(10_000);
 * buffer.reset(startKey);
 * buffer.push(tokenKey(event._id)!, event);
 * buffer.covers(clientKey) && buffer.after(clientKey); // the events the client has not seen
 */
export class ReplayBuffer {
  private entries: BufferedEvent[] = [];
  private start = 0;
  private baseKey: PositionKey | undefined;

  constructor(readonly capacity: number) {}

  /** Every event after this position is held (undefined: nothing is known yet). */
  get base(): PositionKey | undefined {
    return this.baseKey;
  }

  get size(): number {
    return this.entries.length - this.start;
  }

  /** Forgets every event; the buffer is complete from `base` on. */
  reset(base: PositionKey | undefined): void {
    this.entries = [];
    this.start = 0;
    this.baseKey = base;
  }

  push(key: PositionKey, event: Document): void {
    this.entries.push({ key, event });
    if (this.size > this.capacity) {
      this.baseKey = this.entries[this.start]!.key;
      this.start += 1;
      // Compact now and then instead of shifting on every event.
      if (this.start >= this.capacity) {
        this.entries = this.entries.slice(this.start);
        this.start = 0;
      }
    }
  }

  /**
   * Extends the buffer back in time with the events from `base` up to the current base (a catch-up
   * stream read them), so later subscriptions resuming in that range need no stream of their own.
   * Ignored when the events do not end where the buffer begins, or would not fit.
   */
  extendBack(base: PositionKey, events: BufferedEvent[]): void {
    if (this.baseKey === undefined || base >= this.baseKey) return;
    const last = events.at(-1);
    if (last && last.key > this.baseKey) return;
    if (this.size + events.length > this.capacity) return;
    this.entries = [...events, ...this.entries.slice(this.start)];
    this.start = 0;
    this.baseKey = base;
  }

  /** True when every event after `key` (up to the feed's position) is held. */
  covers(key: PositionKey): boolean {
    return this.baseKey !== undefined && key >= this.baseKey;
  }

  /** The held events after `key`, in order. */
  after(key: PositionKey): BufferedEvent[] {
    let lo = this.start;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.key <= key) lo = mid + 1;
      else hi = mid;
    }
    return this.entries.slice(lo);
  }
}
