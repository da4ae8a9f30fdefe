import type { EJSONDocument, LiveQueryDiff, PageChange } from '@mongo-live/protocol';
import type { Document } from 'mongodb';
import type { Projection } from '../access/Projection.js';
import { encode } from '../driverBson.js';
import { BridgeError } from '../errors.js';
import type { MembershipListener } from './LiveQueryEngine.js';
import { listDiff } from './listDiff.js';
import { ResultWindow, type WindowEntry } from './ResultWindow.js';
import type { SortOrder } from './SortOrder.js';
import { valueKey } from './valueKey.js';

/**
 * The loaded pages of a live pages subscription, without I/O. Page i holds the matching documents
 * whose sort key is after page i-1's end and at most its own end (keyset boundaries, fixed when
 * the page is loaded); the last page's end is open once a read found nothing after it. A change
 * finds its page by binary search over the ends and its old page by id, so a write costs
 * O(log pages + pageSize), whatever the number of pages loaded.
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

  /** False once a read found nothing after the last page. */
  get hasNextPage(): boolean {
    return this.windows.length === 0 || this.ends[this.ends.length - 1] !== undefined;
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

  /** Sets the pages from the first `pageCount * pageSize + 1` documents of the result, in order. */
  load(docs: Document[], pageCount: number): void {
    this.clear();
    const shown = Math.min(docs.length, pageCount * this.pageSize);
    const more = docs.length > shown;
    const n = Math.max(1, Math.ceil(shown / this.pageSize));
    for (let p = 0; p < n; p++) this.pushPage(docs.slice(p * this.pageSize, Math.min(shown, (p + 1) * this.pageSize)));
    if (!more) this.ends[n - 1] = undefined;
  }

  /** Appends the page read after the upper bound (up to pageSize + 1 documents); returns its documents. */
  append(docs: Document[]): EJSONDocument[] | undefined {
    if (docs.length === 0) {
      this.ends[this.ends.length - 1] = undefined; // nothing after: the last page takes every later document
      return undefined;
    }
    const page = docs.slice(0, this.pageSize);
    if (this.size + page.length > this.maxDocs) throw tooMany(this.maxDocs);
    this.pushPage(page);
    if (docs.length <= this.pageSize) this.ends[this.ends.length - 1] = undefined;
    return page.map((d) => this.entry(d).view);
  }

  /** Replaces the content from a re-read of the whole loaded range, keeping the boundaries. */
  refresh(docs: Document[]): PageChange[] {
    if (docs.length > this.maxDocs) throw tooMany(this.maxDocs);
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
    if (from === undefined && to < 0) return [];
    const changes: PageChange[] = [];
    if (from !== undefined && from === to) {
      const diff = this.moveWithin(from, docId, next as WindowEntry);
      if (diff) changes.push({ page: from, diffs: [diff] });
      return changes;
    }
    if (from !== undefined) {
      const window = this.windows[from] as ResultWindow;
      const index = window.indexOf(window.get(docId) as WindowEntry);
      window.removeAt(index);
      this.leave(docId);
      changes.push({ page: from, diffs: [{ op: 'removed', index }] });
    }
    if (next && to >= 0) {
      if (this.size >= this.maxDocs) throw tooMany(this.maxDocs);
      const window = this.windows[to] as ResultWindow;
      const index = window.insertionIndex(next.keys);
      window.insertAt(index, next);
      this.enter(next.id, to);
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

  private entry(doc: Document): WindowEntry {
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
