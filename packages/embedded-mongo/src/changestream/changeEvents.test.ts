import type { Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../errors.js';
import { OplogFixture } from './OplogFixture.js';
import { openChangeStream } from './openChangeStream.js';

function open(fx: OplogFixture, db: string, coll: string | undefined, options: Document = {}, stages: Document[] = []) {
  return openChangeStream(fx.context(), { db, coll, pipeline: [{ $changeStream: options }, ...stages] });
}

async function drain(cursor: ReturnType<typeof open>): Promise<Document[]> {
  const { docs } = await cursor.getMore({ maxTimeMS: 0 });
  return docs;
}

describe('change events', () => {
  it('have MongoDB shapes for insert, update, replace and delete', async () => {
    const fx = new OplogFixture();
    fx.insert('d', 'c', { _id: 0 });
    const cursor = open(fx, 'd', 'c');
    const t1 = fx.insert('d', 'c', { _id: 1, x: 1 });
    fx.update('d', 'c', 1, { $set: { x: 2 } });
    fx.update('d', 'c', 1, { _id: 1, y: 3 });
    fx.delete('d', 'c', 1);
    const [insert, update, replace, del] = await drain(cursor);
    expect(insert).toEqual({
      _id: { _data: expect.stringMatching(/^82/) },
      operationType: 'insert',
      clusterTime: t1,
      wallTime: expect.any(Date),
      fullDocument: { _id: 1, x: 1 },
      ns: { db: 'd', coll: 'c' },
      documentKey: { _id: 1 },
    });
    expect(update).toEqual({
      _id: expect.anything(),
      operationType: 'update',
      clusterTime: expect.anything(),
      wallTime: expect.any(Date),
      ns: { db: 'd', coll: 'c' },
      documentKey: { _id: 1 },
      updateDescription: { updatedFields: { x: 2 }, removedFields: [], truncatedArrays: [] },
    });
    expect(replace).toMatchObject({
      operationType: 'replace',
      fullDocument: { _id: 1, y: 3 },
      documentKey: { _id: 1 },
    });
    expect(del).toMatchObject({ operationType: 'delete', documentKey: { _id: 1 } });
    expect(del).not.toHaveProperty('fullDocument');
    expect(insert).not.toHaveProperty('collectionUUID');
  });

  it('carry lsid and txnNumber when the write had them', async () => {
    const fx = new OplogFixture();
    const cursor = open(fx, 'd', 'c');
    const lsid = { id: 'session' };
    fx.insert('d', 'c', { _id: 1 }, { lsid, txnNumber: 7n as never });
    const [event] = await drain(cursor);
    expect(event).toMatchObject({ lsid, txnNumber: 7n });
  });

  it('only include changes in scope: collection, database (no system collections), cluster', async () => {
    const fx = new OplogFixture();
    const coll = open(fx, 'd', 'c');
    const db = open(fx, 'd', undefined);
    const cluster = open(fx, 'admin', undefined, { allChangesForCluster: true });
    fx.insert('d', 'c', { _id: 1 });
    fx.insert('d', 'other', { _id: 2 });
    fx.insert('d', 'system.views', { _id: 3 });
    fx.insert('e', 'c', { _id: 4 });
    fx.insert('config', 'x', { _id: 5 });
    fx.insert('admin', 'x', { _id: 6 });
    const ids = async (cursor: ReturnType<typeof open>) => (await drain(cursor)).map((e) => e.documentKey._id);
    expect(await ids(coll)).toEqual([1]);
    expect(await ids(db)).toEqual([1, 2]);
    expect(await ids(cluster)).toEqual([1, 2, 4]);
  });

  it('end a collection stream with drop then invalidate, and the cursor is exhausted', async () => {
    const fx = new OplogFixture();
    fx.insert('d', 'c', { _id: 1 });
    const cursor = open(fx, 'd', 'c');
    fx.drop('d', 'c');
    fx.insert('d', 'c', { _id: 2 });
    const batch = await cursor.getMore({ maxTimeMS: 0 });
    expect(batch.docs.map((e) => e.operationType)).toEqual(['drop', 'invalidate']);
    expect(batch.docs[0]).toMatchObject({ ns: { db: 'd', coll: 'c' } });
    expect(Object.keys(batch.docs[1]!)).toEqual(['_id', 'operationType', 'clusterTime', 'wallTime']);
    expect(batch.exhausted).toBe(true);
    expect(batch.postBatchResumeToken).toEqual(batch.docs[1]!._id);
  });

  it('end a collection stream with rename (carrying `to`) then invalidate', async () => {
    const fx = new OplogFixture();
    fx.insert('d', 'c', { _id: 1 });
    const cursor = open(fx, 'd', 'c');
    fx.rename('d', 'c', 'c2');
    const docs = await drain(cursor);
    expect(docs[0]).toMatchObject({ operationType: 'rename', ns: { db: 'd', coll: 'c' }, to: { db: 'd', coll: 'c2' } });
    expect(docs[0]).not.toHaveProperty('operationDescription');
    expect(docs[1]).toMatchObject({ operationType: 'invalidate' });
    // A stream on the target name ends too.
    const target = open(fx, 'd', 'c2');
    fx.insert('d', 'c3', { _id: 1 });
    fx.rename('d', 'c3', 'c2');
    expect((await drain(target)).map((e) => [e.operationType, e.ns?.coll])).toEqual([
      ['rename', 'c3'],
      ['invalidate', undefined],
    ]);
  });

  it('end a database stream with dropDatabase then invalidate; a cluster stream goes on', async () => {
    const fx = new OplogFixture();
    fx.insert('d', 'c', { _id: 1 });
    const db = open(fx, 'd', undefined);
    const cluster = open(fx, 'admin', undefined, { allChangesForCluster: true });
    const coll = open(fx, 'd', 'c');
    fx.dropDatabase('d');
    fx.insert('e', 'c', { _id: 2 });
    expect((await drain(db)).map((e) => e.operationType)).toEqual(['drop', 'dropDatabase', 'invalidate']);
    expect((await drain(cluster)).map((e) => e.operationType)).toEqual(['drop', 'dropDatabase', 'insert']);
    expect((await drain(coll)).map((e) => e.operationType)).toEqual(['drop', 'invalidate']);
  });

  it('report a dropDatabase without per-collection drops to a collection stream as drop + invalidate', async () => {
    const fx = new OplogFixture();
    fx.insert('d', 'c', { _id: 1 });
    const coll = open(fx, 'd', 'c');
    fx.dropDatabase('d', { dropCollectionsFirst: false });
    const docs = await drain(coll);
    expect(docs.map((e) => [e.operationType, e.ns])).toEqual([
      ['drop', { db: 'd', coll: 'c' }],
      ['invalidate', undefined],
    ]);
  });

  it('show DDL events, collectionUUID and rename operationDescription only with showExpandedEvents', async () => {
    const fx = new OplogFixture();
    const plain = open(fx, 'd', undefined);
    const expanded = open(fx, 'd', undefined, { showExpandedEvents: true });
    fx.insert('d', 'c', { _id: 1 });
    fx.createIndex('d', 'c', { x: 1 }, 'x_1');
    fx.rename('d', 'c', 'c2');
    expect((await drain(plain)).map((e) => e.operationType)).toEqual(['insert', 'rename']);
    const events = await drain(expanded);
    expect(events.map((e) => e.operationType)).toEqual(['create', 'insert', 'createIndexes', 'rename']);
    expect(events[1]).toHaveProperty('collectionUUID');
    expect(events[2]).toMatchObject({ operationDescription: { indexes: [{ key: { x: 1 }, name: 'x_1' }] } });
    expect(events[3]).toMatchObject({ operationDescription: { to: { db: 'd', coll: 'c2' } } });
  });
});

describe('fullDocument and fullDocumentBeforeChange', () => {
  async function updateEvent(options: Document, images: boolean) {
    const fx = new OplogFixture();
    fx.insert('d', 'c', { _id: 1, x: 0 });
    fx.recordImages('d', 'c', images);
    const cursor = open(fx, 'd', 'c', options);
    fx.update('d', 'c', 1, { $set: { x: 1 } });
    fx.update('d', 'c', 1, { $set: { x: 2 } });
    return { fx, cursor };
  }

  it("'default' leaves fullDocument off update events", async () => {
    const { cursor } = await updateEvent({}, true);
    expect((await drain(cursor))[0]).not.toHaveProperty('fullDocument');
  });

  it("'updateLookup' returns the current document, or null once it is gone", async () => {
    const { fx, cursor } = await updateEvent({ fullDocument: 'updateLookup' }, false);
    const [first] = await drain(cursor);
    expect(first!.fullDocument).toEqual({ _id: 1, x: 2 });
    fx.update('d', 'c', 1, { $set: { x: 3 } });
    fx.delete('d', 'c', 1);
    const [update, del] = await drain(cursor);
    expect(update!.fullDocument).toBeNull();
    expect(del).not.toHaveProperty('fullDocument');
  });

  it("'whenAvailable' gives the post-image when recorded, null otherwise", async () => {
    const on = await updateEvent({ fullDocument: 'whenAvailable' }, true);
    expect((await drain(on.cursor)).map((e) => e.fullDocument)).toEqual([
      { _id: 1, x: 1 },
      { _id: 1, x: 2 },
    ]);
    const off = await updateEvent({ fullDocument: 'whenAvailable' }, false);
    expect((await drain(off.cursor))[0]!.fullDocument).toBeNull();
  });

  it("'required' without a recorded post-image fails with NoMatchingDocument", async () => {
    const on = await updateEvent({ fullDocument: 'required' }, true);
    expect((await drain(on.cursor))[0]!.fullDocument).toEqual({ _id: 1, x: 1 });
    const off = await updateEvent({ fullDocument: 'required' }, false);
    await expect(drain(off.cursor)).rejects.toMatchObject({ code: 47, message: /require a post-image/ });
  });

  it('fullDocumentBeforeChange: off, whenAvailable, required', async () => {
    const off = await updateEvent({ fullDocumentBeforeChange: 'off' }, true);
    expect((await drain(off.cursor))[0]).not.toHaveProperty('fullDocumentBeforeChange');
    const when = await updateEvent({ fullDocumentBeforeChange: 'whenAvailable' }, true);
    expect((await drain(when.cursor))[0]!.fullDocumentBeforeChange).toEqual({ _id: 1, x: 0 });
    const whenNot = await updateEvent({ fullDocumentBeforeChange: 'whenAvailable' }, false);
    expect((await drain(whenNot.cursor))[0]!.fullDocumentBeforeChange).toBeNull();
    const required = await updateEvent({ fullDocumentBeforeChange: 'required' }, false);
    const error = await drain(required.cursor).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ code: 47, message: /require a pre-image/ });
  });

  it('gives delete events a pre-image and inserts none', async () => {
    const fx = new OplogFixture();
    fx.recordImages('d', 'c', true);
    const cursor = open(fx, 'd', 'c', { fullDocumentBeforeChange: 'required' });
    fx.insert('d', 'c', { _id: 1, x: 1 });
    fx.delete('d', 'c', 1);
    const [insert, del] = await drain(cursor);
    expect(insert).not.toHaveProperty('fullDocumentBeforeChange');
    expect(del!.fullDocumentBeforeChange).toEqual({ _id: 1, x: 1 });
  });
});
