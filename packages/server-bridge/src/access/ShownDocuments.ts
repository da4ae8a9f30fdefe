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
 * only the latest showing is kept). Bounded by its {@link ShownLedger}'s share: past it, the least
 * recently shown documents are forgotten (their removals are withheld).
 *
 * @example
 * const shown = new ShownDocuments(ledger); // or new ShownDocuments(100_000), a budget of its own
 * shown.showed('sann', insertEvent._id);
 * shown.mayRemove('sann', deleteEvent._id) // true once the insert is before the delete
 */
export class ShownDocuments {
  private readonly told = new Map<string, Told>();
  /** For tokens that are not comparable KeyStrings (never from MongoDB): the order of arrival. */
  private arrivals = 0;
  private readonly ledger: ShownLedger;

  constructor(budget: ShownLedger | number) {
    this.ledger = typeof budget === 'number' ? new ShownLedger(budget, budget) : budget;
  }

  get size(): number {
    return this.told.size;
  }

  /** Forgets everything and gives the stream's share back to the ledger (the stream is gone). */
  dispose(): void {
    this.told.clear();
    this.ledger.leave(this);
  }

  /** Forgets the least recently shown documents past `max`. */
  trimTo(max: number): void {
    for (const id of this.told.keys()) {
      if (this.told.size <= max) return;
      this.told.delete(id);
    }
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
    } else {
      // A stream counts in the ledger from the first document it shows: unrestricted ones never do.
      if (this.told.size === 0) this.ledger.join(this);
      this.told.set(id, { shown: key });
    }
    const share = this.ledger.share;
    if (this.told.size > share) this.trimTo(share);
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

/**
 * The bridge-wide budget of what restricted streams remember having shown (`maxShownDocuments`):
 * shared equally by the streams that hold any, at most `perStream` each. So memory stays bounded
 * however many distinct restricted streams clients open, and a new stream gets its share even
 * when older ones are full (they forget their oldest; a forgotten document's removal is withheld).
 *
 * @example
 * const ledger = new ShownLedger(500_000, 100_000);
 * const a = new ShownDocuments(ledger); // up to 100,000 while alone; 250,000 / 2 … as others join
 */
export class ShownLedger {
  private readonly members = new Set<ShownDocuments>();

  constructor(
    readonly limit: number,
    readonly perStream: number,
  ) {}

  /** What one stream may remember now. */
  get share(): number {
    return Math.max(1, Math.min(this.perStream, Math.floor(this.limit / Math.max(1, this.members.size))));
  }

  /** Streams holding documents. */
  get streams(): number {
    return this.members.size;
  }

  /** Documents remembered over all streams (at most `limit`). */
  get documents(): number {
    let n = 0;
    for (const member of this.members) n += member.size;
    return n;
  }

  join(member: ShownDocuments): void {
    if (this.members.has(member)) return;
    this.members.add(member);
    // The others' shares shrank: they trim now, so the total never exceeds the limit.
    const share = this.share;
    for (const other of this.members) other.trimTo(share);
  }

  leave(member: ShownDocuments): void {
    this.members.delete(member);
  }
}

function max(a: PositionKey | undefined, b: PositionKey): PositionKey {
  return a !== undefined && a > b ? a : b;
}
