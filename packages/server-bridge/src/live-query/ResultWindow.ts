import type { EJSONDocument } from '@mongo-live/protocol';
import type { Document } from 'mongodb';
import type { SortOrder } from './SortOrder.js';

/** One document of a live query's window, with what is needed to sort it and to send it. */
export interface WindowEntry {
  /** `valueKey` of the document's `_id`. */
  id: string;
  doc: Document;
  keys: unknown[];
  /** The projected document as sent (canonical EJSON). */
  view: EJSONDocument;
  /** `JSON.stringify(view)`, to tell whether a change is visible to clients. */
  viewJson: string;
  /** A skipped document read as its `_id` and sort keys only: never shown (no `view`). */
  keyOnly?: true;
}

/**
 * The first `capacity` documents (skip + limit, or all) of a query's result, in sort order, with
 * an id map; positions are found by binary search on the sort keys (the order is total).
 *
 * @example
 * const w = new ResultWindow(order, 10);
 * w.insertAt(w.insertionIndex(entry.keys), entry);
 */
export class ResultWindow {
  private readonly entries: WindowEntry[] = [];
  private readonly byId = new Map<string, WindowEntry>();

  constructor(
    private readonly order: SortOrder,
    /** Maximum number of entries kept; Infinity without a limit. */
    readonly capacity: number,
  ) {}

  get length(): number {
    return this.entries.length;
  }

  /** True when the window may be missing matching documents beyond its last entry. */
  get full(): boolean {
    return this.entries.length >= this.capacity;
  }

  at(index: number): WindowEntry | undefined {
    return this.entries[index];
  }

  get(id: string): WindowEntry | undefined {
    return this.byId.get(id);
  }

  ids(): IterableIterator<string> {
    return this.byId.keys();
  }

  /** All entries, in order (a copy). */
  list(): WindowEntry[] {
    return this.entries.slice();
  }

  /** Index where a document with these keys belongs (after all smaller ones). */
  insertionIndex(keys: readonly unknown[]): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.order.compare((this.entries[mid] as WindowEntry).keys, keys) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  indexOf(entry: WindowEntry): number {
    const i = this.insertionIndex(entry.keys);
    return this.entries[i]?.id === entry.id ? i : this.entries.findIndex((e) => e.id === entry.id);
  }

  insertAt(index: number, entry: WindowEntry): void {
    this.entries.splice(index, 0, entry);
    this.byId.set(entry.id, entry);
  }

  removeAt(index: number): WindowEntry {
    const [entry] = this.entries.splice(index, 1);
    if (!entry) throw new RangeError(`no entry at ${index}`);
    this.byId.delete(entry.id);
    return entry;
  }

  /** Replaces every entry (already sorted). */
  replace(entries: WindowEntry[]): void {
    this.entries.length = 0;
    this.byId.clear();
    for (const e of entries) {
      this.entries.push(e);
      this.byId.set(e.id, e);
    }
  }
}
