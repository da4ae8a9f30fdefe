import { compileMatcher, normalizeNumbers, valueKey } from '@mongo-live/server-bridge/engine';
import { EJSON, ObjectId, Timestamp } from 'bson';
import { update as applyModifier, type Modifier } from 'mingo/updater';
import type { Document, Filter, OptionalId, UpdateFilter, WithId } from 'mongodb';

/** Seed documents by database and collection name. */
export type SeedData = Record<string, Record<string, readonly Document[]>>;

/**
 * One write as MongoDB's change stream reports it (bson values, driver shape): `_id` is the resume
 * token, `clusterTime` orders the writes, and `after` is the document once written (null when gone).
 */
export interface MemoryChange {
  seq: number;
  event: Document;
  after: WithId<Document> | null;
}

/** Each write's listener: called once per change, in order. */
export type ChangeListener = (change: MemoryChange) => void;

/**
 * The documents of an in-memory deployment and the log of its writes. Filters are matched with the
 * bridge's own matcher (the same code that decides live-query membership), updates are applied with
 * mingo's update operators, and every write appends one change event shaped like MongoDB's:
 * `insert`, `update` (with `updateDescription`), `replace` or `delete`, each with a resume token,
 * a cluster time and a wall time. Internal to the testing client.
 *
 * @example
 * const db = new MemoryDatabase({ shop: { products: [{ _id: 1, name: 'Azul' }] } });
 * db.onChange((c) => console.log(c.event.operationType));
 * db.updateOne('shop', 'products', { _id: 1 }, { $set: { price: 36 } });
 */
export class MemoryDatabase {
  /** `db\0collection` → documents by `valueKey(_id)`, in insertion order. */
  private readonly collections = new Map<string, Map<string, WithId<Document>>>();
  private readonly log: MemoryChange[] = [];
  private readonly listeners = new Set<ChangeListener>();
  private seq = 0;
  private lastTime = { t: 0, i: 0 };

  constructor(seed: SeedData = {}) {
    for (const [db, colls] of Object.entries(seed))
      for (const [coll, docs] of Object.entries(colls)) {
        const store = this.store(db, coll);
        for (const doc of docs) {
          const withId = withObjectId(copy(doc));
          store.set(valueKey(withId._id), withId);
        }
      }
  }

  /** Listens to every write from now on; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Copies of the documents of a collection, in insertion order. */
  documents<T extends Document = Document>(db: string, coll: string): WithId<T>[] {
    return [...this.store(db, coll).values()].map((d) => copy(d) as WithId<T>);
  }

  /** Documents matching `filter`, as stored (callers must not mutate them). */
  matching(db: string, coll: string, filter: Document = {}): WithId<Document>[] {
    const matches = compileMatcher(filter);
    return [...this.store(db, coll).values()].filter((d) => matches(normalizeNumbers(d)));
  }

  /** Writes after resume token sequence `after` (or at/after `since`), for change streams that resume. */
  changesAfter(position: { seq?: number; since?: Timestamp }): MemoryChange[] {
    const { seq, since } = position;
    if (seq !== undefined) return this.log.filter((c) => c.seq > seq);
    if (since !== undefined) return this.log.filter((c) => (c.event.clusterTime as Timestamp).comp(since) >= 0);
    return [];
  }

  /** Sequence number of the newest write (0 before any): where a new stream starts. */
  get position(): number {
    return this.seq;
  }

  insertOne<T extends Document>(db: string, coll: string, doc: OptionalId<T>): { insertedId: unknown } {
    const stored = withObjectId(copy(doc as Document));
    const store = this.store(db, coll);
    const key = valueKey(stored._id);
    if (store.has(key)) throw duplicateKey(stored._id);
    store.set(key, stored);
    this.record(
      db,
      coll,
      { operationType: 'insert', documentKey: { _id: stored._id }, fullDocument: copy(stored) },
      stored,
    );
    return { insertedId: stored._id };
  }

  updateOne<T extends Document>(db: string, coll: string, filter: Filter<T>, update: UpdateFilter<T>) {
    return this.updateWhere(db, coll, filter as Document, update as Document, 1);
  }

  updateMany<T extends Document>(db: string, coll: string, filter: Filter<T>, update: UpdateFilter<T>) {
    return this.updateWhere(db, coll, filter as Document, update as Document, Number.POSITIVE_INFINITY);
  }

  replaceOne<T extends Document>(db: string, coll: string, filter: Filter<T>, replacement: T) {
    const [target] = this.matching(db, coll, filter as Document);
    if (!target) return { matchedCount: 0, modifiedCount: 0 };
    const next = { ...copy(replacement as Document), _id: target._id } as WithId<Document>;
    this.store(db, coll).set(valueKey(target._id), next);
    this.record(
      db,
      coll,
      { operationType: 'replace', documentKey: { _id: target._id }, fullDocument: copy(next) },
      next,
    );
    return { matchedCount: 1, modifiedCount: 1 };
  }

  deleteOne<T extends Document>(db: string, coll: string, filter: Filter<T>) {
    return this.deleteWhere(db, coll, filter as Document, 1);
  }

  deleteMany<T extends Document>(db: string, coll: string, filter: Filter<T>) {
    return this.deleteWhere(db, coll, filter as Document, Number.POSITIVE_INFINITY);
  }

  private updateWhere(db: string, coll: string, filter: Document, update: Document, max: number) {
    const targets = this.matching(db, coll, filter).slice(0, max);
    let modifiedCount = 0;
    for (const before of targets) {
      const next = copy(before);
      const paths = applyModifier(next, update as Modifier<Document>, undefined, undefined, { cloneMode: 'deep' });
      if (paths.length === 0) continue;
      if (valueKey(next._id) !== valueKey(before._id))
        throw new Error("Performing an update on the path '_id' would modify the immutable field '_id'");
      modifiedCount++;
      this.store(db, coll).set(valueKey(before._id), next);
      this.record(
        db,
        coll,
        {
          operationType: 'update',
          documentKey: { _id: before._id },
          updateDescription: describeUpdate(next, paths),
        },
        next,
      );
    }
    return { matchedCount: targets.length, modifiedCount };
  }

  private deleteWhere(db: string, coll: string, filter: Document, max: number) {
    const targets = this.matching(db, coll, filter).slice(0, max);
    for (const doc of targets) {
      this.store(db, coll).delete(valueKey(doc._id));
      this.record(db, coll, { operationType: 'delete', documentKey: { _id: doc._id } }, null);
    }
    return { deletedCount: targets.length };
  }

  private record(db: string, coll: string, fields: Document, after: WithId<Document> | null): void {
    this.seq += 1;
    const change: MemoryChange = {
      seq: this.seq,
      event: {
        _id: tokenOf(this.seq),
        ...fields,
        clusterTime: this.nextTime(),
        wallTime: new Date(),
        ns: { db, coll },
      },
      after,
    };
    this.log.push(change);
    for (const listener of [...this.listeners]) listener(change);
  }

  /** A cluster time after every earlier one: seconds of the wall clock, an increment within them. */
  private nextTime(): Timestamp {
    const t = Math.floor(Date.now() / 1000);
    this.lastTime = t > this.lastTime.t ? { t, i: 1 } : { t: this.lastTime.t, i: this.lastTime.i + 1 };
    return new Timestamp(this.lastTime);
  }

  private store(db: string, coll: string): Map<string, WithId<Document>> {
    const key = `${db}\0${coll}`;
    let store = this.collections.get(key);
    if (!store) {
      store = new Map();
      this.collections.set(key, store);
    }
    return store;
  }
}

/** The resume token of write number `seq` (MongoDB's tokens are `{ _data: <hex> }` too). */
export function tokenOf(seq: number): { _data: string } {
  return { _data: `82${seq.toString(16).padStart(16, '0')}` };
}

/** The write number a token of {@link tokenOf} names, or undefined for any other token. */
export function seqOfToken(token: unknown): number | undefined {
  const data = (token as { _data?: unknown } | null)?._data;
  if (typeof data !== 'string' || !/^82[0-9a-f]{16}$/.test(data)) return undefined;
  return Number.parseInt(data.slice(2), 16);
}

/** MongoDB-style `updateDescription` for the top-level fields of the modified paths. */
function describeUpdate(after: Document, paths: string[]): Document {
  const updatedFields: Document = {};
  const removedFields: string[] = [];
  for (const path of new Set(paths)) {
    const value = readPath(after, path);
    if (value === undefined) removedFields.push(path);
    else updatedFields[path] = copy({ v: value }).v;
  }
  return { updatedFields, removedFields, truncatedArrays: [] };
}

function readPath(doc: Document, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function withObjectId(doc: Document): WithId<Document> {
  return (doc._id === undefined ? { _id: new ObjectId(), ...doc } : doc) as WithId<Document>;
}

/**
 * A deep copy that keeps BSON types (ObjectId, Date, Binary...), so stored documents never alias
 * the caller's. Numbers come back as JS numbers, as the driver returns them by default.
 */
function copy<T extends Document>(doc: T): T {
  return EJSON.parse(EJSON.stringify(doc, { relaxed: false }), { relaxed: true }) as T;
}

function duplicateKey(id: unknown): Error {
  return Object.assign(new Error(`E11000 duplicate key error: _id ${EJSON.stringify(id)}`), { code: 11000 });
}
