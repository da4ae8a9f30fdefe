import {
  decode,
  type EJSONDocument,
  type LiveCountRequest,
  type LivePagesAccepted,
  type LivePagesRequest,
  type LivePagesUpdate,
} from '@mongo-live/protocol';
import {
  compileMatcher,
  LOOKAHEAD,
  type Matcher,
  normalizeNumbers,
  PageSet,
  Projection,
  SortOrder,
  valueKey,
} from '@mongo-live/server-bridge/engine';
import type { Document } from 'mongodb';
import type { MemoryChange, MemoryDatabase } from './MemoryDatabase.js';

/** Documents live pages may hold in the testing client (the bridge's default `maxQueryResults`). */
const MAX_DOCS = 10_000;
const NO_MEMBERSHIP = { entered() {}, left() {} };

function inCollection(change: MemoryChange, db: string, collection: string): boolean {
  const ns = change.event.ns as { db: string; coll: string };
  return ns.db === db && ns.coll === collection;
}

/**
 * Live pages of the testing client, on the bridge's own {@link PageSet}: the same keyset
 * boundaries, diffs and `hasNextPage` as the bridge, with the reads the bridge sends to MongoDB
 * answered from memory. Internal to MemoryTransport.
 *
 * @example
 * const pages = new MemoryLivePages(database, request, 'p-1');
 * const ack = pages.accepted(request.subId);
 * const update = pages.apply(change); // a `pages:update` to send, or undefined
 */
export class MemoryLivePages {
  private readonly order: SortOrder;
  private readonly matcher: Matcher;
  private readonly filter: Document;
  private readonly set: PageSet;
  private version = 0;

  constructor(
    private readonly database: MemoryDatabase,
    private readonly request: LivePagesRequest,
    readonly pagesId: string,
  ) {
    this.filter = decode<Document>(request.filter ?? {});
    this.order = new SortOrder(request.sort);
    this.matcher = compileMatcher(this.filter);
    const projection = Projection.compile(request.projection ? decode<Document>(request.projection) : undefined);
    this.set = new PageSet(this.order, projection, NO_MEMBERSHIP, request.pageSize, MAX_DOCS);
    const pageCount = request.pageCount ?? 1;
    this.set.load(this.sorted().slice(0, pageCount * request.pageSize + LOOKAHEAD), pageCount);
  }

  accepted(subId: string): LivePagesAccepted {
    return { subId, pagesId: this.pagesId, pages: this.set.pages(), hasNextPage: this.set.hasNextPage, version: 0 };
  }

  /** The update a write makes (undefined: nothing to tell). */
  apply(change: MemoryChange): LivePagesUpdate | undefined {
    if (!inCollection(change, this.request.db, this.request.collection)) return undefined;
    const id = (change.event.documentKey as { _id: unknown })._id;
    const matches = change.after !== null && this.matcher(normalizeNumbers(change.after));
    const before = this.set.hasNextPage;
    const changes = this.set.apply(valueKey(id), change.after, matches);
    if (this.set.needsProbe) this.set.probed(this.after(LOOKAHEAD));
    if (changes.length === 0 && before === this.set.hasNextPage) return undefined;
    return this.update({ changes });
  }

  /** The answer to `pages:more`: the next page appended (or nothing left). */
  more(): LivePagesUpdate | undefined {
    if (this.set.upperBound === undefined) return undefined;
    const append = this.set.append(this.after(this.request.pageSize + LOOKAHEAD));
    return this.update(append ? { changes: [], append } : { changes: [] });
  }

  private update(update: { changes: LivePagesUpdate['changes']; append?: EJSONDocument[] }): LivePagesUpdate {
    this.version += 1;
    return { pagesId: this.pagesId, version: this.version, ...update, hasNextPage: this.set.hasNextPage };
  }

  /** The matching documents in sort order. */
  private sorted(): Document[] {
    const keyed = this.database
      .matching(this.request.db, this.request.collection, this.filter)
      .map((doc) => ({ doc, keys: this.order.keysOf(doc) }));
    keyed.sort((a, b) => this.order.compare(a.keys, b.keys));
    return keyed.map((k) => k.doc);
  }

  /** Up to `n` matching documents after the loaded range (the bridge's keyset read). */
  private after(n: number): Document[] {
    const bound = this.set.upperBound;
    if (bound === undefined) return [];
    return this.sorted()
      .filter((doc) => this.order.compare(this.order.keysOf(doc), bound) > 0)
      .slice(0, n);
  }
}

/**
 * A live count of the testing client: the ids matching the filter, as the bridge keeps them.
 * Internal to MemoryTransport.
 *
 * @example
 * const count = new MemoryLiveCount(database, request, 'c-1');
 * count.apply(change); // the new count, or undefined when unchanged
 */
export class MemoryLiveCount {
  private readonly matcher: Matcher;
  private readonly ids: Set<string>;
  version = 0;

  constructor(
    database: MemoryDatabase,
    private readonly request: LiveCountRequest,
    readonly countId: string,
  ) {
    const filter = decode<Document>(request.filter ?? {});
    this.matcher = compileMatcher(filter);
    this.ids = new Set(database.matching(request.db, request.collection, filter).map((d) => valueKey(d._id)));
  }

  get count(): number {
    return this.ids.size;
  }

  apply(change: MemoryChange): number | undefined {
    if (!inCollection(change, this.request.db, this.request.collection)) return undefined;
    const id = valueKey((change.event.documentKey as { _id: unknown })._id);
    const before = this.ids.size;
    if (change.after !== null && this.matcher(normalizeNumbers(change.after))) this.ids.add(id);
    else this.ids.delete(id);
    if (this.ids.size === before) return undefined;
    this.version += 1;
    return this.ids.size;
  }
}
