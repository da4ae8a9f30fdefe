import type { EJSONDocument, LiveQueryDiff, PageChange } from '@mongo-live/protocol';
import type { Document } from 'mongodb';
import type { Projection } from '../access/Projection.js';
import { encode } from '../driverBson.js';
import { BridgeError } from '../errors.js';
import { arrayOnSortPath } from './keysetFilter.js';
import type { MembershipListener } from './LiveQueryEngine.js';
import { listDiff } from './listDiff.js';
import { ResultWindow, type WindowEntry } from './ResultWindow.js';
import type { SortOrder } from './SortOrder.js';
import { valueKey } from './valueKey.js';

/** Documents after the loaded range a read takes beyond a page, so `hasNextPage` stays known. */
export const LOOKAHEAD = 8;

/**
 * The loaded pages of a live pages subscription, without I/O. Page i holds the matching documents
 * whose sort key is after page i-1's end and at most its own end (keyset boundaries, fixed when
 * the page is loaded); the last page's end is open once a read found nothing after it. A change
 * finds its page by binary search over the ends and its old page by id, so a write costs
 * O(log pages + pageSize), whatever the number of pages loaded.
 *
 * `hasNextPage` tells the truth as writes happen: the set keeps up to {@link LOOKAHEAD} ids of
 * matching documents after the loaded range (read with each page, then followed by the writes).
 * When the last of them leaves, {@link needsProbe} asks the owner for a {@link probed} read after
 * the range; one that finds nothing opens the last page (everything is loaded, it takes every
 * later document), and `hasNextPage` turns false.
 *
 * @example
 * const set = new PageSet(order, projection, membership, 50, 10_000);
 * set.load(firstDocs, 1);
 * const changes = set.apply(valueKey(doc._id), doc, matches);
 */
export class PageSet {
  private readonly windows: ResultWindow[] = [];
  /** End keys per page; undefined: open (the last page, once nothing was found after it). */
  private readonly ends: Array<unknown[] | undefined> = [];
  private readonly pageOf = new Map<string, number>();
  /** Ids of matching documents after the loaded range (at most LOOKAHEAD; only while it is closed). */
  private readonly beyond = new Set<string>();

  constructor(
    private readonly order: SortOrder,
    private readonly projection: Projection,
    private readonly membership: MembershipListener,
    readonly pageSize: number,
    private readonly maxDocs: number,
  ) {}

  get pageCount(): number {
    return this.windows.length;
  }

  get size(): number {
    return this.pageOf.size;
  }

  /** True while a matching document after the loaded range is known (or is being looked for). */
  get hasNextPage(): boolean {
    return this.windows.length === 0 || this.ends[this.ends.length - 1] !== undefined;
  }

  /** The range is closed and no document after it is known any more: read after it ({@link probed}). */
  get needsProbe(): boolean {
    return this.windows.length > 0 && this.upperBound !== undefined && this.beyond.size === 0;
  }

  /** The end of the loaded range (undefined: everything is loaded). */
  get upperBound(): unknown[] | undefined {
    return this.ends[this.ends.length - 1];
  }

  ids(): IterableIterator<string> {
    return this.pageOf.keys();
  }

  pages(): EJSONDocument[][] {
    return this.windows.map((w) => w.list().map((e) => e.view));
  }

  /** Sets the pages from the first `pageCount * pageSize + LOOKAHEAD` documents of the result, in order. */
  load(docs: Document[], pageCount: number): void {
    this.clear();
    const shown = Math.min(docs.length, pageCount * this.pageSize);
    const n = Math.max(1, Math.ceil(shown / this.pageSize));
    for (let p = 0; p < n; p++) this.pushPage(docs.slice(p * this.pageSize, Math.min(shown, (p + 1) * this.pageSize)));
    this.lookahead(docs.slice(shown));
  }

  /** Appends the page read after the upper bound (up to pageSize + LOOKAHEAD documents); returns its documents. */
  append(docs: Document[]): EJSONDocument[] | undefined {
    if (docs.length === 0) {
      this.lookahead([]);
      return undefined;
    }
    const page = docs.slice(0, this.pageSize);
    if (this.size + page.length > this.maxDocs) throw tooMany(this.maxDocs);
    this.pushPage(page);
    this.lookahead(docs.slice(this.pageSize));
    return page.map((d) => this.entry(d).view);
  }

  /** The answer to {@link needsProbe}: up to LOOKAHEAD documents read after the loaded range. */
  probed(docs: Document[]): void {
    if (this.upperBound !== undefined) this.lookahead(docs);
  }

  /**
   * Replaces the content from a re-read of the whole loaded range, keeping the boundaries. What
   * lies after the range is unknown afterwards: {@link needsProbe} asks for a read.
   */
  refresh(docs: Document[]): PageChange[] {
    if (docs.length > this.maxDocs) throw tooMany(this.maxDocs);
    this.beyond.clear();
    const next = this.windows.map(() => [] as WindowEntry[]);
    for (const doc of docs) {
      const entry = this.entry(doc);
      const p = this.pageFor(entry.keys);
      if (p >= 0) next[p]?.push(entry);
    }
    const changes: PageChange[] = [];
    for (const [p, window] of this.windows.entries()) {
      const after = (next[p] as WindowEntry[]).sort((a, b) => this.order.compare(a.keys, b.keys));
      const diffs = listDiff(window.list(), after);
      for (const id of window.ids()) this.leave(id);
      window.replace(after);
      for (const e of after) this.enter(e.id, p);
      if (diffs.length > 0) changes.push({ page: p, diffs });
    }
    return changes;
  }

  /** Applies the new state of one document (`matches`: it matches the filter). */
  apply(docId: string, doc: Document | null, matches: boolean): PageChange[] {
    const from = this.pageOf.get(docId);
    const next = matches && doc ? this.entry(doc) : undefined;
    const to = next ? this.pageFor(next.keys) : -1;
    if (next && to < 0) {
      if (this.beyond.size < LOOKAHEAD) this.beyond.add(docId);
    } else this.beyond.delete(docId);
    if (from === undefined && to < 0) return [];
    const changes: PageChange[] = [];
    if (from !== undefined && from === to) {
      const diff = this.moveWithin(from, docId, next as WindowEntry);
      if (diff) changes.push({ page: from, diffs: [diff] });
      return changes;
    }
    // A move between pages keeps the document in the set: the dispatch index is not touched.
    const stays = from !== undefined && to >= 0;
    if (from !== undefined) {
      const window = this.windows[from] as ResultWindow;
      const index = window.indexOf(window.get(docId) as WindowEntry);
      window.removeAt(index);
      if (!stays) this.leave(docId);
      changes.push({ page: from, diffs: [{ op: 'removed', index }] });
    }
    if (next && to >= 0) {
      if (!stays && this.size >= this.maxDocs) throw tooMany(this.maxDocs);
      const window = this.windows[to] as ResultWindow;
      const index = window.insertionIndex(next.keys);
      window.insertAt(index, next);
      if (stays) this.pageOf.set(next.id, to);
      else this.enter(next.id, to);
      changes.push({ page: to, diffs: [{ op: 'added', index, doc: next.view }] });
    }
    return changes;
  }

  /** Index of the page a sort key belongs to, -1 when after the loaded range. */
  private pageFor(keys: readonly unknown[]): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const end = this.ends[mid];
      if (end !== undefined && this.order.compare(end, keys) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.ends.length ? lo : -1;
  }

  private moveWithin(p: number, docId: string, next: WindowEntry): LiveQueryDiff | undefined {
    const window = this.windows[p] as ResultWindow;
    const current = window.get(docId) as WindowEntry;
    const from = window.indexOf(current);
    window.removeAt(from);
    const to = window.insertionIndex(next.keys);
    window.insertAt(to, next);
    const visible = current.viewJson !== next.viewJson;
    if (from !== to) return visible ? { op: 'moved', from, to, doc: next.view } : { op: 'moved', from, to };
    return visible ? { op: 'changed', index: to, doc: next.view } : undefined;
  }

  /** Sets what is known after the loaded range from a read; nothing there opens the last page. */
  private lookahead(docs: Document[]): void {
    this.beyond.clear();
    if (docs.length === 0) {
      this.ends[this.ends.length - 1] = undefined; // everything is loaded: the last page takes every later document
      return;
    }
    for (const doc of docs.slice(0, LOOKAHEAD)) {
      this.checkSortPaths(doc);
      this.beyond.add(valueKey(doc._id));
    }
  }

  private pushPage(docs: Document[]): void {
    const p = this.windows.length;
    const window = new ResultWindow(this.order, Number.POSITIVE_INFINITY);
    const entries = docs.map((d) => this.entry(d));
    window.replace(entries);
    for (const e of entries) this.enter(e.id, p);
    this.windows.push(window);
    // An empty first page has nothing to bound it: it stays open until something is found after it.
    this.ends.push(entries.at(-1)?.keys ?? this.ends[p - 1]);
  }

  private clear(): void {
    for (const id of [...this.pageOf.keys()]) this.leave(id);
    this.beyond.clear();
    this.windows.length = 0;
    this.ends.length = 0;
  }

  private enter(id: string, page: number): void {
    this.pageOf.set(id, page);
    this.membership.entered(id);
  }

  private leave(id: string): void {
    if (this.pageOf.delete(id)) this.membership.left(id);
  }

  /** Keyset boundaries compare whole values: an array where the sort reads is refused. */
  private checkSortPaths(doc: Document): void {
    for (const [path] of this.order.fields) {
      if (!arrayOnSortPath(doc, path)) continue;
      throw new BridgeError(
        'INVALID_REQUEST',
        `live pages cannot sort on '${path}': a matching document holds an array there (MongoDB sorts an array by its smallest or largest element, which keyset page boundaries do not support); sort live pages on fields with single values, or use a live query with a limit`,
      );
    }
  }

  private entry(doc: Document): WindowEntry {
    this.checkSortPaths(doc);
    const view = encode(this.projection.apply(doc)) as EJSONDocument;
    return { id: valueKey(doc._id), doc, keys: this.order.keysOf(doc), view, viewJson: JSON.stringify(view) };
  }
}

function tooMany(max: number): BridgeError {
  return new BridgeError(
    'LIMIT_EXCEEDED',
    `live pages hold at most ${max} documents (maxQueryResults); narrow the filter or load fewer pages`,
  );
}
