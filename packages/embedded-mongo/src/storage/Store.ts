import type { Binary, Document, Long, Timestamp } from 'bson';
import { commandError } from '../errors.js';
import type { Oplog } from '../oplog/Oplog.js';
import type { OplogEntry, OplogOp } from '../oplog/OplogEntry.js';
import type { ClusterClock } from '../server/ClusterClock.js';
import { Collection, ID_INDEX_SPEC } from './Collection.js';
import { deepCopy } from './deepCopy.js';
import { Index, type IndexSpec } from './Index.js';

/** Who asked for a write: recorded on its oplog entries. */
export interface WriteOrigin {
  lsid?: Document;
  txnNumber?: Long;
}

/**
 * All databases and collections, and the only place that changes them: every change ticks the
 * cluster clock and appends its oplog entry, in commit order.
 */
export class Store {
  protected readonly databases = new Map<string, Map<string, Collection>>();
  /** While a transaction commits: its ops, all at one cluster time, become one applyOps entry. */
  private batch: { ts: Timestamp; wall: Date; ops: OplogEntry[] } | undefined;

  constructor(
    readonly oplog: Oplog,
    readonly clock: ClusterClock,
  ) {}

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  collections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  collection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** The collection, created (with its 'create' entry) when it does not exist: implicit creation. */
  ensureCollection(db: string, name: string, origin: WriteOrigin = {}): Collection {
    return this.collection(db, name) ?? this.createCollection(db, name, {}, origin);
  }

  /** Creates a collection; throws NamespaceExists (48) when it exists. */
  createCollection(db: string, name: string, options: Document, origin: WriteOrigin = {}, uuid?: Binary): Collection {
    validateCollectionName(db, name);
    if (this.collection(db, name)) throw commandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
    const collection = new Collection(db, name, options, uuid);
    this.adopt(collection);
    this.record('create', collection, origin, {
      operationDescription: { ...deepCopy(options), idIndex: { ...ID_INDEX_SPEC } },
    });
    return collection;
  }

  /** Registers a collection object under its namespace (no oplog entry). */
  protected adopt(collection: Collection): void {
    const { db, name } = collection;
    let colls = this.databases.get(db);
    if (!colls) {
      colls = new Map();
      this.databases.set(db, colls);
    }
    colls.set(name, collection);
  }

  /** Creates a view (`{ viewOn, pipeline }`): its 'create' entry describes it, as system.views would. */
  createView(db: string, name: string, definition: Document): Collection {
    validateCollectionName(db, name);
    if (this.collection(db, name)) throw commandError('NamespaceExists', `Namespace ${db}.${name} already exists`);
    const view = new Collection(db, name, definition);
    this.adopt(view);
    this.record('create', view, {}, { operationDescription: deepCopy(definition), collectionUUID: undefined });
    return view;
  }

  /**
   * Set on the server's store: for a document an open transaction holds, the promise of the
   * transaction's end. A write to it throws {@link DocumentLocked} before changing anything.
   */
  lockedUntil: ((ns: string, id: unknown) => Promise<void> | undefined) | undefined;

  private checkUnlocked(collection: Collection, id: unknown): void {
    // A commit replays the transaction's own writes: they hold the locks.
    if (this.batch || !this.lockedUntil) return;
    const released = this.lockedUntil(collection.ns, id);
    if (released) throw new DocumentLocked(released);
  }

  insert(collection: Collection, doc: Document, origin: WriteOrigin = {}): Timestamp {
    writable(collection);
    this.checkUnlocked(collection, doc._id);
    collection.insert(doc);
    return this.record('insert', collection, origin, {
      documentKey: { _id: doc._id },
      after: deepCopy(doc),
    });
  }

  /** Replaces a stored document by its new version; op 'replace' for replacement documents. */
  replace(
    collection: Collection,
    before: Document,
    after: Document,
    op: 'update' | 'replace',
    update: Document | Document[] | undefined,
    origin: WriteOrigin = {},
  ): Timestamp {
    writable(collection);
    this.checkUnlocked(collection, before._id);
    collection.replace(before, after);
    return this.record(op, collection, origin, {
      documentKey: { _id: after._id },
      before: deepCopy(before),
      after: deepCopy(after),
      ...(op === 'update' && update !== undefined ? { update: deepCopy(update) } : {}),
    });
  }

  delete(collection: Collection, doc: Document, origin: WriteOrigin = {}): Timestamp {
    writable(collection);
    this.checkUnlocked(collection, doc._id);
    collection.remove(doc);
    return this.record('delete', collection, origin, { documentKey: { _id: doc._id }, before: deepCopy(doc) });
  }

  createIndex(collection: Collection, index: Index, origin: WriteOrigin = {}): Timestamp {
    writable(collection);
    collection.addIndex(index);
    return this.record('createIndexes', collection, origin, {
      operationDescription: { indexes: [deepCopy(index.spec)] },
    });
  }

  dropIndex(collection: Collection, index: Index, origin: WriteOrigin = {}): Timestamp {
    collection.removeIndex(index.name);
    return this.record('dropIndexes', collection, origin, {
      operationDescription: { indexes: [deepCopy(index.spec)] },
    });
  }

  /** Changes collection options (collMod); `changes` are the options as given. */
  modify(collection: Collection, changes: Document, origin: WriteOrigin = {}): Timestamp {
    const before = collection.options;
    collection.options = { ...before, ...deepCopy(changes) };
    return this.record('modify', collection, origin, {
      operationDescription: deepCopy(changes),
      stateBeforeChange: { collectionOptions: { uuid: collection.uuid, ...deepCopy(before) } },
    });
  }

  /** The periodic no-op of an idle replica set: moves the cluster time and idle streams' tokens on. */
  noop(): Timestamp {
    return this.append({ ...this.nextTime(), op: 'noop', db: 'admin' });
  }

  dropCollection(collection: Collection, origin: WriteOrigin = {}): Timestamp {
    const colls = this.databases.get(collection.db);
    colls?.delete(collection.name);
    if (colls?.size === 0) this.databases.delete(collection.db);
    return this.record('drop', collection, origin, {});
  }

  /** Drops every collection of `db` (one 'drop' each), then records 'dropDatabase'. */
  dropDatabase(db: string, origin: WriteOrigin = {}): Timestamp | undefined {
    const colls = this.databases.get(db);
    if (!colls) return undefined;
    for (const collection of [...colls.values()]) this.dropCollection(collection, origin);
    this.databases.delete(db);
    return this.append({ ...this.nextTime(), op: 'dropDatabase', db, ...originOf(origin) });
  }

  /** Moves a collection to a new namespace, dropping `dropTarget` first when given. */
  rename(
    collection: Collection,
    toDb: string,
    toName: string,
    dropTarget?: Collection,
    origin: WriteOrigin = {},
  ): Timestamp {
    validateCollectionName(toDb, toName);
    const from = { db: collection.db, coll: collection.name };
    if (dropTarget) {
      const colls = this.databases.get(dropTarget.db);
      colls?.delete(dropTarget.name);
    }
    const source = this.databases.get(from.db);
    source?.delete(from.coll);
    if (source?.size === 0) this.databases.delete(from.db);
    collection.db = toDb;
    collection.name = toName;
    let target = this.databases.get(toDb);
    if (!target) {
      target = new Map();
      this.databases.set(toDb, target);
    }
    target.set(toName, collection);
    const to = { db: toDb, coll: toName };
    return this.append({
      ...this.nextTime(),
      op: 'rename',
      db: from.db,
      coll: from.coll,
      collectionUUID: collection.uuid,
      to,
      operationDescription: { to, ...(dropTarget ? { dropTarget: dropTarget.uuid } : {}) },
      ...originOf(origin),
    });
  }

  /**
   * Applies a committed transaction's writes (as its own oplog recorded them) in one step: one
   * cluster time, one `applyOps` oplog entry whose ops carry the session's lsid and txnNumber.
   * All or nothing: if one write fails (e.g. a unique index), the ones before are undone and
   * the error is rethrown.
   */
  applyTransaction(writes: readonly OplogEntry[], origin: WriteOrigin): Timestamp {
    const batch = { ts: this.clock.tick(), wall: new Date(), ops: [] as OplogEntry[] };
    const undo: (() => void)[] = [];
    this.batch = batch;
    try {
      for (const write of writes) undo.push(this.replay(write, origin));
    } catch (error) {
      for (const step of undo.reverse()) step();
      throw error;
    } finally {
      this.batch = undefined;
    }
    if (batch.ops.length === 0) return batch.ts;
    return this.append({
      ts: batch.ts,
      wall: batch.wall,
      op: 'applyOps',
      db: 'admin',
      ops: batch.ops,
      ...originOf(origin),
    });
  }

  /** Applies one write of a transaction; returns how to take it back. */
  private replay(write: OplogEntry, origin: WriteOrigin): () => void {
    const { db, coll } = write;
    if (write.op === 'create') {
      const { idIndex: _idIndex, ...options } = write.operationDescription ?? {};
      const created = this.createCollection(db, coll!, options, origin, write.collectionUUID);
      return () => this.databases.get(db)?.delete(created.name);
    }
    const collection = this.collection(db, coll!);
    if (!collection) throw commandError('NamespaceNotFound', `ns does not exist: ${db}.${coll}`);
    const current = write.documentKey ? collection.findById(write.documentKey._id) : undefined;
    switch (write.op) {
      case 'insert':
        this.insert(collection, write.after!, origin);
        return () => collection.remove(write.after!);
      case 'update':
      case 'replace':
        if (!current) throw commandError('WriteConflict', 'the document changed outside the transaction');
        this.replace(collection, current, write.after!, write.op, write.update, origin);
        return () => collection.replace(write.after!, current);
      case 'delete':
        if (!current) throw commandError('WriteConflict', 'the document changed outside the transaction');
        this.delete(collection, current, origin);
        return () => collection.insert(current);
      case 'createIndexes': {
        const spec = (write.operationDescription!.indexes as IndexSpec[])[0]!;
        this.createIndex(
          collection,
          Index.fromSpec(spec, () => collection.ns),
          origin,
        );
        return () => collection.removeIndex(spec.name);
      }
      default:
        throw commandError('OperationNotSupportedInTransaction', `${write.op} cannot be part of a transaction`);
    }
  }

  /** The time of the next write: a new tick, or the committing transaction's single time. */
  private nextTime(): { ts: Timestamp; wall: Date } {
    return this.batch ? { ts: this.batch.ts, wall: this.batch.wall } : { ts: this.clock.tick(), wall: new Date() };
  }

  private record(op: OplogOp, collection: Collection, origin: WriteOrigin, fields: Partial<OplogEntry>): Timestamp {
    return this.append({
      ...this.nextTime(),
      op,
      db: collection.db,
      coll: collection.name,
      collectionUUID: collection.uuid as Binary,
      imagesRecorded: collection.imagesRecorded,
      ...fields,
      ...originOf(origin),
    });
  }

  private append(entry: OplogEntry): Timestamp {
    if (this.batch) this.batch.ops.push(entry);
    else this.oplog.append(entry);
    return entry.ts;
  }
}

/** Views hold no documents: writing to one is CommandNotSupportedOnView (166), as in mongod. */
/**
 * Thrown by a write outside transactions to a document an open transaction holds, before
 * anything changed: the command waits for `released` and runs that write again (mongod's writes
 * wait on the transaction's locks the same way).
 */
export class DocumentLocked extends Error {
  constructor(readonly released: Promise<void>) {
    super('the document is locked by an open transaction');
  }
}

export function writable(collection: Collection | undefined): void {
  if (collection?.isView) {
    throw commandError('CommandNotSupportedOnView', `Namespace ${collection.ns} is a view, not a collection`);
  }
}

function originOf(origin: WriteOrigin): Partial<OplogEntry> {
  const out: Partial<OplogEntry> = {};
  if (origin.lsid) out.lsid = origin.lsid;
  if (origin.txnNumber !== undefined) out.txnNumber = origin.txnNumber;
  return out;
}

/** Rejects names mongod rejects: empty, `$` inside, NUL, `system.` prefix, overlong namespaces. */
export function validateCollectionName(db: string, name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw commandError('InvalidNamespace', `Invalid namespace specified '${db}.${name}'`);
  }
  if (name.includes('$') || name.includes('\u0000') || name.startsWith('.') || name.startsWith('system.')) {
    throw commandError('InvalidNamespace', `Invalid collection name: ${name}`);
  }
  validateDatabaseName(db);
}

/** Rejects database names mongod rejects. */
export function validateDatabaseName(db: string): void {
  if (
    typeof db !== 'string' ||
    db.length === 0 ||
    /[/\\. "$*<>:|?]/.test(db) ||
    db.includes('\u0000') ||
    db.length >= 64
  ) {
    throw commandError('InvalidNamespace', `Invalid database name: '${db}'`);
  }
}
