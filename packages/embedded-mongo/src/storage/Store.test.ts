import { Long } from 'bson';
import { describe, expect, it } from 'vitest';
import { Oplog } from '../oplog/Oplog.js';
import { ClusterClock } from '../server/ClusterClock.js';
import { Index } from './Index.js';
import { Store } from './Store.js';

function newStore(capacity = 1000) {
  const oplog = new Oplog(capacity);
  return { oplog, store: new Store(oplog, new ClusterClock()) };
}

describe('Store oplog recording', () => {
  it('records every write in commit order with strictly increasing ts', () => {
    const { oplog, store } = newStore();
    const origin = { lsid: { id: 'session' }, txnNumber: Long.fromNumber(3) };
    const coll = store.ensureCollection('db', 'c', origin);
    store.insert(coll, { _id: 1, a: 1 }, origin);
    store.replace(coll, { _id: 1, a: 1 }, { _id: 1, a: 2 }, 'update', { $set: { a: 2 } });
    store.replace(coll, { _id: 1, a: 2 }, { _id: 1, b: 1 }, 'replace', { b: 1 });
    store.delete(coll, { _id: 1, b: 1 });
    const entries = oplog.entriesAfter(undefined);
    expect(entries.map((e) => e.op)).toEqual(['create', 'insert', 'update', 'replace', 'delete']);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.ts.compare(entries[i - 1]!.ts)).toBe(1);
    const [create, insert, update, replace, remove] = entries;
    expect(create?.operationDescription?.idIndex).toEqual({ v: 2, key: { _id: 1 }, name: '_id_' });
    expect(insert).toMatchObject({
      db: 'db',
      coll: 'c',
      documentKey: { _id: 1 },
      after: { _id: 1, a: 1 },
      lsid: origin.lsid,
    });
    expect(insert?.txnNumber?.toNumber()).toBe(3);
    expect(insert?.collectionUUID?.sub_type).toBe(4);
    expect(update).toMatchObject({ before: { _id: 1, a: 1 }, after: { _id: 1, a: 2 }, update: { $set: { a: 2 } } });
    expect(replace?.update).toBeUndefined();
    expect(replace).toMatchObject({ before: { _id: 1, a: 2 }, after: { _id: 1, b: 1 } });
    expect(remove).toMatchObject({ documentKey: { _id: 1 }, before: { _id: 1, b: 1 } });
    expect(remove?.after).toBeUndefined();
  });

  it('copies images so later changes to a document do not alter history', () => {
    const { oplog, store } = newStore();
    const coll = store.ensureCollection('db', 'c');
    const doc = { _id: 1, nested: { a: 1 } };
    store.insert(coll, doc);
    doc.nested.a = 99;
    expect(oplog.newest()?.after).toEqual({ _id: 1, nested: { a: 1 } });
  });

  it('records imagesRecorded from the collection option at write time', () => {
    const { oplog, store } = newStore();
    const coll = store.createCollection('db', 'c', {});
    store.insert(coll, { _id: 1 });
    expect(oplog.newest()?.imagesRecorded).toBe(false);
    store.modify(coll, { changeStreamPreAndPostImages: { enabled: true } });
    expect(oplog.newest()).toMatchObject({
      op: 'modify',
      operationDescription: { changeStreamPreAndPostImages: { enabled: true } },
    });
    store.insert(coll, { _id: 2 });
    expect(oplog.newest()?.imagesRecorded).toBe(true);
  });

  it('records DDL: indexes, rename, drop, dropDatabase', () => {
    const { oplog, store } = newStore();
    const a = store.ensureCollection('db', 'a');
    store.ensureCollection('db', 'b');
    const index = new Index({ v: 2, key: { x: 1 }, name: 'x_1' }, () => a.ns);
    store.createIndex(a, index);
    store.dropIndex(a, index);
    store.rename(a, 'db', 'renamed');
    store.dropDatabase('db');
    const ops = oplog.entriesAfter(undefined).map((e) => [e.op, e.coll]);
    expect(ops).toEqual([
      ['create', 'a'],
      ['create', 'b'],
      ['createIndexes', 'a'],
      ['dropIndexes', 'a'],
      ['rename', 'a'],
      ['drop', 'b'],
      ['drop', 'renamed'],
      ['dropDatabase', undefined],
    ]);
    const rename = oplog.entriesAfter(undefined).find((e) => e.op === 'rename');
    expect(rename?.to).toEqual({ db: 'db', coll: 'renamed' });
    expect(store.databaseNames()).toEqual([]);
  });

  it('leaves storage and history untouched when a unique index rejects a write', () => {
    const { oplog, store } = newStore();
    const coll = store.ensureCollection('db', 'c');
    store.createIndex(coll, new Index({ v: 2, key: { k: 1 }, name: 'k_1', unique: true }, () => coll.ns));
    store.insert(coll, { _id: 1, k: 'x' });
    store.insert(coll, { _id: 2, k: 'y' });
    const before = oplog.entriesAfter(undefined).length;
    expect(() => store.insert(coll, { _id: 3, k: 'x' })).toThrow(/E11000/);
    expect(() => store.replace(coll, { _id: 2, k: 'y' }, { _id: 2, k: 'x' }, 'update', {})).toThrow(/E11000/);
    expect(() => store.insert(coll, { _id: 1 })).toThrow(/index: _id_ dup key: \{ _id: 1 \}/);
    expect(oplog.entriesAfter(undefined).length).toBe(before);
    expect(coll.documents()).toEqual([
      { _id: 1, k: 'x' },
      { _id: 2, k: 'y' },
    ]);
  });
});
