import { type Binary, type Document, deserialize, EJSON, Long, serialize, Timestamp, UUID } from 'bson';
import { Oplog } from '../oplog/Oplog.js';
import type { OplogEntry } from '../oplog/OplogEntry.js';
import { applyUpdate } from '../query/index.js';
import type { ChangeStreamContext } from './types.js';

/** A deep copy that keeps bson classes (structuredClone would turn them into plain objects). */
function copy(doc: Document): Document {
  return deserialize(serialize(doc));
}

interface FixtureCollection {
  uuid: Binary;
  docs: Map<string, Document>;
  imagesRecorded: boolean;
}

/**
 * For unit tests: a tiny in-memory store that writes the oplog entries the real storage writes,
 * and the ChangeStreamContext a change stream is opened with. Cluster times are (1, n).
 */
export class OplogFixture {
  readonly oplog: Oplog;
  private tick = 0;
  private nextCursorId = 1;
  private readonly collections = new Map<string, FixtureCollection>();

  constructor(capacity?: number) {
    this.oplog = new Oplog(capacity);
  }

  /** The ChangeStreamContext over this fixture. */
  context(): ChangeStreamContext {
    return {
      oplog: this.oplog,
      clusterTime: () => new Timestamp({ t: 1, i: this.tick }),
      lookup: (db, coll, key) => {
        const doc = this.collections.get(`${db}.${coll}`)?.docs.get(EJSON.stringify(key._id));
        return doc && copy(doc);
      },
      newCursorId: () => Long.fromNumber(this.nextCursorId++),
      collectionUUID: (db, coll) => this.collections.get(`${db}.${coll}`)?.uuid,
    };
  }

  /** The cluster time of the latest write. */
  now(): Timestamp {
    return new Timestamp({ t: 1, i: this.tick });
  }

  private collection(db: string, coll: string): FixtureCollection {
    const ns = `${db}.${coll}`;
    let c = this.collections.get(ns);
    if (!c) {
      c = { uuid: new UUID(), docs: new Map(), imagesRecorded: false };
      this.collections.set(ns, c);
      this.append({
        op: 'create',
        db,
        coll,
        collectionUUID: c.uuid,
        operationDescription: { idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } },
      });
    }
    return c;
  }

  private append(entry: Omit<OplogEntry, 'ts' | 'wall'>): Timestamp {
    const ts = new Timestamp({ t: 1, i: ++this.tick });
    this.oplog.append({ ...entry, ts, wall: new Date(1_700_000_000_000 + this.tick) } as OplogEntry);
    return ts;
  }

  /** Like collMod changeStreamPreAndPostImages. */
  recordImages(db: string, coll: string, enabled: boolean): void {
    const c = this.collection(db, coll);
    c.imagesRecorded = enabled;
    this.append({
      op: 'modify',
      db,
      coll,
      collectionUUID: c.uuid,
      operationDescription: { changeStreamPreAndPostImages: { enabled } },
    });
  }

  insert(db: string, coll: string, doc: Document, extra: Partial<OplogEntry> = {}): Timestamp {
    const c = this.collection(db, coll);
    c.docs.set(EJSON.stringify(doc._id), copy(doc));
    return this.append({
      op: 'insert',
      db,
      coll,
      collectionUUID: c.uuid,
      documentKey: { _id: doc._id },
      after: doc,
      imagesRecorded: c.imagesRecorded,
      ...extra,
    });
  }

  update(db: string, coll: string, id: unknown, update: Document | Document[]): Timestamp {
    const c = this.collection(db, coll);
    const before = c.docs.get(EJSON.stringify(id));
    if (!before) throw new Error(`no document ${EJSON.stringify(id)}`);
    const after = applyUpdate(before, update);
    c.docs.set(EJSON.stringify(id), after);
    const replacement = !Array.isArray(update) && !Object.keys(update)[0]?.startsWith('$');
    return this.append({
      op: replacement ? 'replace' : 'update',
      db,
      coll,
      collectionUUID: c.uuid,
      documentKey: { _id: id },
      before,
      after,
      ...(replacement ? {} : { update }),
      imagesRecorded: c.imagesRecorded,
    });
  }

  delete(db: string, coll: string, id: unknown): Timestamp {
    const c = this.collection(db, coll);
    const before = c.docs.get(EJSON.stringify(id));
    c.docs.delete(EJSON.stringify(id));
    return this.append({
      op: 'delete',
      db,
      coll,
      collectionUUID: c.uuid,
      documentKey: { _id: id },
      before,
      imagesRecorded: c.imagesRecorded,
    });
  }

  createIndex(db: string, coll: string, key: Document, name: string): Timestamp {
    const c = this.collection(db, coll);
    return this.append({
      op: 'createIndexes',
      db,
      coll,
      collectionUUID: c.uuid,
      operationDescription: { indexes: [{ v: 2, key, name }] },
    });
  }

  drop(db: string, coll: string): Timestamp {
    const c = this.collection(db, coll);
    this.collections.delete(`${db}.${coll}`);
    return this.append({ op: 'drop', db, coll, collectionUUID: c.uuid });
  }

  rename(db: string, coll: string, to: string): Timestamp {
    const c = this.collection(db, coll);
    this.collections.delete(`${db}.${coll}`);
    this.collections.set(`${db}.${to}`, c);
    return this.append({ op: 'rename', db, coll, collectionUUID: c.uuid, to: { db, coll: to } });
  }

  /** Drops every collection of `db` (one drop entry each, as MongoDB), then the database. */
  dropDatabase(db: string, options: { dropCollectionsFirst?: boolean } = { dropCollectionsFirst: true }): Timestamp {
    for (const ns of [...this.collections.keys()]) {
      if (!ns.startsWith(`${db}.`)) continue;
      if (options.dropCollectionsFirst) this.drop(db, ns.slice(db.length + 1));
      else this.collections.delete(ns);
    }
    return this.append({ op: 'dropDatabase', db });
  }
}
