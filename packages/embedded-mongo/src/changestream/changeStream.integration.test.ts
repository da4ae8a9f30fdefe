import type { ChangeStream, ChangeStreamDocument, Document, MongoClient } from 'mongodb';
import { MongoClient as Client, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedMongo } from '../EmbeddedMongo.js';

// The official driver over TCP against the embedded server: what an application sees.
let server: EmbeddedMongo;
let client: MongoClient;
let dbCounter = 0;

beforeAll(async () => {
  server = await EmbeddedMongo.start();
  client = await new Client(server.uri, { serverSelectionTimeoutMS: 10_000 }).connect();
});

afterAll(async () => {
  await client?.close(true);
  await server?.stop();
});

/** A fresh database per test, so streams never see each other's writes. */
function freshDb() {
  return client.db(`cs_${++dbCounter}`);
}

async function nextEvents(stream: ChangeStream, n: number): Promise<Document[]> {
  const out: Document[] = [];
  for (let i = 0; i < n; i++) out.push(await stream.next());
  return out;
}

describe('change streams through the driver', () => {
  it('watches a collection: insert, update, replace, delete', async () => {
    const coll = freshDb().collection('c');
    await coll.insertOne({ _id: 0 as never });
    const stream = coll.watch();
    await stream.tryNext(); // opens the cursor before the writes
    await coll.insertOne({ _id: 1 as never, x: 1 });
    await coll.updateOne({ _id: 1 as never }, { $set: { x: 2 }, $unset: { y: '' } });
    await coll.replaceOne({ _id: 1 as never }, { z: 3 });
    await coll.deleteOne({ _id: 1 as never });
    const [insert, update, replace, del] = (await nextEvents(stream, 4)) as ChangeStreamDocument[];
    expect(insert).toMatchObject({
      operationType: 'insert',
      ns: { db: coll.dbName, coll: 'c' },
      documentKey: { _id: 1 },
      fullDocument: { _id: 1, x: 1 },
    });
    expect(insert).toHaveProperty('clusterTime');
    expect((insert as { wallTime?: unknown }).wallTime).toBeInstanceOf(Date);
    expect(update).toMatchObject({
      operationType: 'update',
      updateDescription: { updatedFields: { x: 2 }, removedFields: [], truncatedArrays: [] },
    });
    expect(replace).toMatchObject({ operationType: 'replace', fullDocument: { _id: 1, z: 3 } });
    expect(del).toMatchObject({ operationType: 'delete', documentKey: { _id: 1 } });
    // After the last event of a batch the driver keeps the batch's postBatchResumeToken: never behind it.
    const token = (stream.resumeToken as { _data: string })._data;
    expect(token >= (del!._id as { _data: string })._data).toBe(true);
    await stream.close();
  });

  it('watches a database and the whole cluster', async () => {
    const db = freshDb();
    const other = freshDb();
    const dbStream = db.watch();
    const clusterStream = client.watch();
    await Promise.all([dbStream.tryNext(), clusterStream.tryNext()]);
    await db.collection('a').insertOne({ n: 1 });
    await other.collection('b').insertOne({ n: 2 });
    await db.collection('b').insertOne({ n: 3 });
    const seenByDb = await nextEvents(dbStream, 2);
    expect(seenByDb.map((e) => [e.ns.coll, e.fullDocument.n])).toEqual([
      ['a', 1],
      ['b', 3],
    ]);
    const seenByCluster = await nextEvents(clusterStream, 3);
    expect(seenByCluster.map((e) => [e.ns.db, e.fullDocument.n])).toEqual([
      [db.databaseName, 1],
      [other.databaseName, 2],
      [db.databaseName, 3],
    ]);
    await Promise.all([dbStream.close(), clusterStream.close()]);
  });

  it('serves every fullDocument and fullDocumentBeforeChange mode', async () => {
    const db = freshDb();
    const coll = db.collection('c');
    await coll.insertOne({ _id: 1 as never, x: 0 });
    const lookup = coll.watch([], { fullDocument: 'updateLookup' });
    const whenAvailable = coll.watch([], { fullDocument: 'whenAvailable', fullDocumentBeforeChange: 'whenAvailable' });
    await Promise.all([lookup.tryNext(), whenAvailable.tryNext()]);
    await coll.updateOne({ _id: 1 as never }, { $set: { x: 1 } });
    await coll.updateOne({ _id: 1 as never }, { $set: { x: 2 } });
    // updateLookup: the document as it is when the event is read, not as it was after the update.
    expect((await lookup.next()).fullDocument).toEqual({ _id: 1, x: 2 });
    // Without changeStreamPreAndPostImages there is nothing to serve.
    expect(await whenAvailable.next()).toMatchObject({ fullDocument: null, fullDocumentBeforeChange: null });

    await db.command({ collMod: 'c', changeStreamPreAndPostImages: { enabled: true } });
    const required = coll.watch([], { fullDocument: 'required', fullDocumentBeforeChange: 'required' });
    await required.tryNext();
    await coll.updateOne({ _id: 1 as never }, { $set: { x: 3 } });
    expect(await required.next()).toMatchObject({
      fullDocument: { _id: 1, x: 3 },
      fullDocumentBeforeChange: { _id: 1, x: 2 },
    });
    await coll.deleteOne({ _id: 1 as never });
    expect(await required.next()).toMatchObject({
      operationType: 'delete',
      fullDocumentBeforeChange: { _id: 1, x: 3 },
    });

    await db.command({ collMod: 'c', changeStreamPreAndPostImages: { enabled: false } });
    const strict = coll.watch([], { fullDocument: 'required' });
    await strict.tryNext();
    await coll.insertOne({ _id: 2 as never });
    await coll.updateOne({ _id: 2 as never }, { $set: { x: 1 } });
    expect(await strict.next()).toMatchObject({ operationType: 'insert' });
    await expect(strict.next()).rejects.toMatchObject({ code: 47 });
    await Promise.all([lookup.close(), whenAvailable.close(), required.close(), strict.close()]);
  });

  it('resumes with resumeAfter, startAfter and startAtOperationTime', async () => {
    const coll = freshDb().collection('c');
    const stream = coll.watch();
    await stream.tryNext();
    await coll.insertOne({ n: 1 });
    await coll.insertMany([{ n: 2 }, { n: 3 }]);
    const [first, second] = await nextEvents(stream, 3);
    await stream.close();
    const resumed = coll.watch([], { resumeAfter: first!._id });
    expect((await nextEvents(resumed, 2)).map((e) => e.fullDocument.n)).toEqual([2, 3]);
    await resumed.close();
    const started = coll.watch([], { startAfter: second!._id });
    expect((await started.next()).fullDocument.n).toBe(3);
    await started.close();
    const atTime = coll.watch([], { startAtOperationTime: second!.clusterTime });
    expect((await nextEvents(atTime, 2)).map((e) => e.fullDocument.n)).toEqual([2, 3]);
    await atTime.close();
  });
});
