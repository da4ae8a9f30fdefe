import type { Document, Timestamp } from 'bson';
import { CommandError } from '../errors.js';
import { Oplog } from '../oplog/Oplog.js';
import type { OplogEntry } from '../oplog/OplogEntry.js';
import type { Collection } from '../storage/Collection.js';
import { Store, type WriteOrigin } from '../storage/Store.js';
import { valueKey } from '../storage/valueKey.js';

/** The oplog's entries with the writes of committed transactions unwound, in order. */
export function* unwound(entries: Iterable<OplogEntry>): Generator<OplogEntry> {
  for (const entry of entries) {
    if (entry.op === 'applyOps') yield* entry.ops ?? [];
    else yield entry;
  }
}

/** Identifies one document across collections: what transactions lock and conflict on. */
export function documentLockKey(ns: string, id: unknown): string {
  return `${ns}\u0000${valueKey(id)}`;
}

/** WriteConflict (112) with TransientTransactionError, as mongod fails the second writer of a document. */
export function writeConflict(): CommandError {
  return new CommandError(
    112,
    'WriteConflict',
    'Caused by :: Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
    { errorLabels: ['TransientTransactionError'] },
  );
}

/**
 * The collection `db.name` as it was at `readTs`: a copy of today's collection with every later
 * committed write undone (the oplog keeps before-images). Undefined when it did not exist then.
 */
function collectionAt(shared: Store, db: string, name: string, readTs: Timestamp): Collection | undefined {
  const current = shared.collection(db, name);
  if (!current) return undefined;
  const later = [...unwound(shared.oplog.entriesAfter(readTs))].filter((e) => e.db === db && e.coll === name);
  if (later.some((e) => e.op === 'create' || e.op === 'rename')) return undefined;
  const copy = current.snapshotCopy();
  for (const entry of later.reverse()) {
    if (entry.op === 'insert') copy.remove(entry.after!);
    else if ((entry.op === 'update' || entry.op === 'replace') && entry.before)
      copy.replace(entry.after!, entry.before);
    else if (entry.op === 'delete' && entry.before) copy.insert(entry.before);
  }
  return copy;
}

/**
 * What a multi-document transaction reads and writes: the server's data as of the transaction's
 * start (snapshot isolation), plus its own writes, which stay here (recorded in a private oplog)
 * until commit replays them on the server's store in one step. Every document it writes is
 * claimed: a document another transaction holds, or that changed after the snapshot, is a
 * WriteConflict.
 */
export class TransactionStore extends Store {
  private readonly materialized = new Set<string>();
  /** Documents this transaction wrote (documentLockKey). */
  readonly writeSet = new Set<string>();

  constructor(
    private readonly shared: Store,
    readonly readTs: Timestamp,
    /** True when another open transaction holds the document. */
    private readonly heldElsewhere: (key: string) => boolean,
  ) {
    super(new Oplog(Number.POSITIVE_INFINITY), shared.clock);
  }

  override collection(db: string, name: string): Collection | undefined {
    const ns = `${db}.${name}`;
    if (!this.materialized.has(ns)) {
      this.materialized.add(ns);
      const snapshot = collectionAt(this.shared, db, name, this.readTs);
      if (snapshot) this.adopt(snapshot);
    }
    return super.collection(db, name);
  }

  override collections(db: string): Collection[] {
    for (const collection of this.shared.collections(db)) this.collection(db, collection.name);
    return super.collections(db);
  }

  override insert(collection: Collection, doc: Document, origin?: WriteOrigin): Timestamp {
    this.claim(collection, doc._id);
    return super.insert(collection, doc, origin);
  }

  override replace(
    collection: Collection,
    before: Document,
    after: Document,
    op: 'update' | 'replace',
    update: Document | Document[] | undefined,
    origin?: WriteOrigin,
  ): Timestamp {
    this.claim(collection, before._id);
    return super.replace(collection, before, after, op, update, origin);
  }

  override delete(collection: Collection, doc: Document, origin?: WriteOrigin): Timestamp {
    this.claim(collection, doc._id);
    return super.delete(collection, doc, origin);
  }

  /** True when the transaction read or wrote namespace `ns` (it holds that collection's lock, as in mongod). */
  touches(test: (ns: string) => boolean): boolean {
    for (const ns of this.materialized) if (test(ns)) return true;
    return false;
  }

  /** Lets go of the snapshot copies once the transaction has ended. */
  release(): void {
    this.databases.clear();
  }

  /** The transaction's writes, in order, as the server's store replays them on commit. */
  writes(): OplogEntry[] {
    return this.oplog.entriesAfter(undefined);
  }

  /** True when a document this transaction wrote was changed by a commit after its snapshot. */
  conflictsWithCommitted(): boolean {
    return this.changedSinceSnapshot().some((key) => this.writeSet.has(key));
  }

  private claim(collection: Collection, id: unknown): void {
    const key = documentLockKey(collection.ns, id);
    if (this.writeSet.has(key)) return;
    if (this.heldElsewhere(key) || this.changedSinceSnapshot().includes(key)) throw writeConflict();
    this.writeSet.add(key);
  }

  private changedSinceSnapshot(): string[] {
    const keys: string[] = [];
    if (this.shared.oplog.isLost(this.readTs)) throw writeConflict(); // cannot tell: make the client retry
    for (const entry of unwound(this.shared.oplog.entriesAfter(this.readTs))) {
      if (entry.documentKey) keys.push(documentLockKey(`${entry.db}.${entry.coll}`, entry.documentKey._id));
    }
    return keys;
  }
}
