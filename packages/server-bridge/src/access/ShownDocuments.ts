import { type PositionKey, tokenKey } from '../feed/position.js';

/** What a stream told about one document: the position of the last event that showed it, and of the last removal. */
interface Told {
  shown: PositionKey;
  removed?: PositionKey;
}

/**
 * The documents one restricted change stream showed its subscribers, by position, so that a
 * removal the bridge cannot decide from a pre-image is told only about a document the stream
 * showed before it, and not removed since. Members catching up re-evaluate past events with the
 * same guard, so decisions depend on positions, not on the order of evaluation: the same removal
 * replayed is told again; a removal between an earlier showing and a later one is withheld (safe:
 * only the latest showing is kept). Bounded: past `capacity` documents, the least recently shown
 * is forgotten (its removal is withheld).
 *
 * @example
 * const shown = new ShownDocuments(100_000);
 * shown.showed('sann', insertEvent._id);
 * shown.mayRemove('sann', deleteEvent._id) // true once the insert is before the delete
 */
export class ShownDocuments {
  private readonly told = new Map<string, Told>();
  /** For tokens that are not comparable KeyStrings (never from MongoDB): the order of arrival. */
  private arrivals = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.told.size;
  }

  /** The document `id` was sent to subscribers by the event with resume token `token`. */
  showed(id: string, token: unknown): void {
    const key = this.keyOf(token);
    const entry = this.told.get(id);
    // Re-inserted so that the map's order is the order of last showing (the eviction order).
    if (entry) {
      this.told.delete(id);
      entry.shown = max(entry.shown, key);
      this.told.set(id, entry);
    } else this.told.set(id, { shown: key });
    if (this.told.size > this.capacity) this.told.delete(this.told.keys().next().value as string);
  }

  /** A removal of `id` was told (decided exactly, from a pre-image). */
  removed(id: string, token: unknown): void {
    const entry = this.told.get(id);
    if (entry) entry.removed = max(entry.removed, this.keyOf(token));
  }

  /**
   * Whether the removal of `id` by the event `token` may be told without an image: the stream
   * showed the document before it and told no removal since (or this is that removal, replayed).
   * Records the removal when it may.
   */
  mayRemove(id: string, token: unknown): boolean {
    const entry = this.told.get(id);
    if (!entry) return false;
    const key = this.keyOf(token);
    if (entry.removed === key) return true;
    if (!(entry.shown < key)) return false;
    if (entry.removed !== undefined && entry.removed > entry.shown && entry.removed < key) return false;
    entry.removed = max(entry.removed, key);
    return true;
  }

  private keyOf(token: unknown): PositionKey {
    // '~' sorts after every hex digit: arrival keys are only ever compared with each other.
    return tokenKey(token) ?? `~${String(++this.arrivals).padStart(15, '0')}`;
  }
}

function max(a: PositionKey | undefined, b: PositionKey): PositionKey {
  return a !== undefined && a > b ? a : b;
}
