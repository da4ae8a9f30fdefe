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
    expect(((await lookup.next()) as Document).fullDocument).toEqual({ _id: 1, x: 2 });
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
    expect(((await started.next()) as Document).fullDocument.n).toBe(3);
    await started.close();
    const atTime = coll.watch([], { startAtOperationTime: second!.clusterTime });
    expect((await nextEvents(atTime, 2)).map((e) => e.fullDocument.n)).toEqual([2, 3]);
    await atTime.close();
  });
});

describe('event details through the driver', () => {
  it('describes updates like MongoDB 7.0: dotted paths, $push elements, truncated arrays', async () => {
    const coll = freshDb().collection<{ _id: number; a: Document; arr: number[]; list: string[] }>('c');
    await coll.insertOne({ _id: 1, a: { b: 1, c: 1 }, arr: [1, 2, 3], list: ['x', 'y', 'z'] });
    const stream = coll.watch();
    await stream.tryNext();
    await coll.updateOne({ _id: 1 }, { $set: { 'a.b': 2 }, $push: { arr: 4 } });
    await coll.updateOne({ _id: 1 }, [{ $set: { list: ['x'] } }]);
    const [push, truncate] = await nextEvents(stream, 2);
    expect(push!.updateDescription).toEqual({
      updatedFields: { 'a.b': 2, 'arr.3': 4 },
      removedFields: [],
      truncatedArrays: [],
    });
    expect(truncate!.updateDescription).toEqual({
      updatedFields: {},
      removedFields: [],
      truncatedArrays: [{ field: 'list', newSize: 1 }],
    });
    await stream.close();
  });

  it('reports DDL with showExpandedEvents and ends a database stream on dropDatabase', async () => {
    const db = freshDb();
    const stream = db.watch([], { showExpandedEvents: true });
    await stream.tryNext();
    await db.createCollection('c');
    await db.collection('c').createIndex({ x: 1 }, { name: 'x_1' });
    await db.collection('c').rename('d');
    await db.dropDatabase();
    const events = await nextEvents(stream, 6);
    expect(events.map((e) => e.operationType)).toEqual([
      'create',
      'createIndexes',
      'rename',
      'drop',
      'dropDatabase',
      'invalidate',
    ]);
    expect(events[0]).toHaveProperty('collectionUUID');
    expect(events[2]).toMatchObject({
      ns: { db: db.databaseName, coll: 'c' },
      to: { db: db.databaseName, coll: 'd' },
      operationDescription: { to: { db: db.databaseName, coll: 'd' } },
    });
    expect(stream.closed).toBe(true);
  });
});

describe('change stream cursors through the driver', () => {
  it('returns at most batchSize events per batch', async () => {
    const monitored = await new Client(server.uri, { monitorCommands: true }).connect();
    try {
      const batches: number[] = [];
      monitored.on('commandSucceeded', (e) => {
        const cursor = (e.reply as Document).cursor as Document | undefined;
        if (e.commandName === 'getMore' && cursor) batches.push((cursor.nextBatch as unknown[]).length);
      });
      const coll = monitored.db(freshDb().databaseName).collection('c');
      const stream = coll.watch([], { batchSize: 2 });
      await stream.tryNext();
      await coll.insertMany([1, 2, 3, 4, 5].map((n) => ({ n })));
      expect((await nextEvents(stream, 5)).map((e) => e.fullDocument.n)).toEqual([1, 2, 3, 4, 5]);
      expect(batches.filter((n) => n > 0)).toEqual([2, 2, 1]);
      await stream.close();
    } finally {
      await monitored.close(true);
    }
  });

  it('tryNext gives null when nothing happened, then the next event', async () => {
    const coll = freshDb().collection('c');
    const stream = coll.watch([], { maxAwaitTimeMS: 10 });
    expect(await stream.tryNext()).toBeNull();
    await coll.insertOne({ n: 1 });
    let event: Document | null = null;
    while (event === null) event = await stream.tryNext();
    expect(event.fullDocument.n).toBe(1);
    expect(await stream.tryNext()).toBeNull();
    await stream.close();
  });

  it('ends with invalidate after a drop; startAfter it starts again, resumeAfter it is refused', async () => {
    const coll = freshDb().collection('c');
    await coll.insertOne({ n: 0 });
    const stream = coll.watch();
    await stream.tryNext();
    await coll.drop();
    const [drop, invalidate] = await nextEvents(stream, 2);
    expect(drop!.operationType).toBe('drop');
    expect(invalidate!.operationType).toBe('invalidate');
    expect(stream.closed).toBe(true);
    await coll.insertOne({ n: 1 });
    const again = coll.watch([], { startAfter: invalidate!._id });
    expect(((await again.next()) as Document).fullDocument.n).toBe(1);
    await again.close();
    const refused = coll.watch([], { resumeAfter: invalidate!._id });
    await expect(refused.next()).rejects.toMatchObject({ code: 260, codeName: 'InvalidResumeToken' });
    await refused.close();
  });

  it('applies $match and refuses a pipeline that removes _id', async () => {
    const coll = freshDb().collection('c');
    const matching = coll.watch([{ $match: { 'fullDocument.keep': true } }]);
    const noId = coll.watch([{ $project: { _id: 0 } }]);
    await Promise.all([matching.tryNext(), noId.tryNext()]);
    await coll.insertMany([{ keep: false }, { keep: true }]);
    expect(((await matching.next()) as Document).fullDocument.keep).toBe(true);
    const error = await noId.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 280 });
    expect((error as MongoServerError).hasErrorLabel('NonResumableChangeStreamError')).toBe(true);
    await Promise.all([matching.close(), noId.close()]);
  });

  it('survives resumable errors injected with failCommand without losing or repeating events', async () => {
    const monitored = await new Client(server.uri, { monitorCommands: true }).connect();
    try {
      const resumes: Document[] = [];
      monitored.on('commandStarted', (e) => {
        const stage = e.commandName === 'aggregate' ? (e.command.pipeline as Document[])[0]?.$changeStream : undefined;
        if (stage?.resumeAfter) resumes.push(stage.resumeAfter as Document);
      });
      const admin = client.db('admin');
      const coll = monitored.db(freshDb().databaseName).collection('c');
      const stream = coll.watch([], { batchSize: 1 });
      await stream.tryNext();
      await coll.insertMany([1, 2, 3].map((n) => ({ n })));
      expect(((await stream.next()) as Document).fullDocument.n).toBe(1);

      await admin.command({
        configureFailPoint: 'failCommand',
        mode: { times: 1 },
        data: { failCommands: ['getMore'], closeConnection: true },
      });
      expect(((await stream.next()) as Document).fullDocument.n).toBe(2);

      await admin.command({
        configureFailPoint: 'failCommand',
        mode: { times: 1 },
        data: { failCommands: ['getMore'], errorCode: 91, errorLabels: ['ResumableChangeStreamError'] },
      });
      await coll.insertOne({ n: 4 });
      const rest = await nextEvents(stream, 2);
      expect(rest.map((e) => e.fullDocument.n)).toEqual([3, 4]);
      // Both failures really happened and the driver resumed from its token each time.
      expect(resumes).toHaveLength(2);
      await coll.insertOne({ n: 5 });
      expect(((await stream.next()) as Document).fullDocument.n).toBe(5);
      await stream.close();
    } finally {
      await client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
      await monitored.close(true);
    }
  });
});

describe('history lost', () => {
  it('fails with ChangeStreamHistoryLost when resuming before what a small oplog keeps', async () => {
    const small = await EmbeddedMongo.start({ oplogCapacity: 5 });
    const smallClient = await new Client(small.uri).connect();
    try {
      const coll = smallClient.db('d').collection('c');
      const stream = coll.watch();
      await stream.tryNext();
      await coll.insertOne({ n: 0 });
      const first = (await stream.next()) as Document;
      await stream.close();
      await coll.insertMany(Array.from({ length: 20 }, (_, n) => ({ n: n + 1 })));
      const late = coll.watch([], { resumeAfter: first._id });
      const error = await late.next().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoServerError);
      expect(error).toMatchObject({ code: 286, codeName: 'ChangeStreamHistoryLost' });
      await late.close();
    } finally {
      await smallClient.close(true);
      await small.stop();
    }
  });
});
