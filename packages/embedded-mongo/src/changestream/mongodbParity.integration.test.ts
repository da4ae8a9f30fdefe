import { MongoClient as Client, type Document, type MongoServerError, Timestamp } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { EmbeddedMongo } from '../EmbeddedMongo.js';
import { useDriverFixture } from '../testing/driverFixture.js';

// Where a real MongoDB 8 replica set and this server used to differ in what a client can see
// (issue #18): each test pins MongoDB's behaviour through the official driver.
const fx = useDriverFixture('parity');

const freshDb = () => fx.freshDb();

async function failure(promise: Promise<unknown>): Promise<MongoServerError> {
  return promise.then(
    () => {
      throw new Error('expected the command to fail');
    },
    (error: MongoServerError) => error,
  );
}

/** Opens a change stream with a raw aggregate and returns its cursor id and first batch. */
async function openRaw(db: ReturnType<typeof freshDb>, coll: string, pipeline: Document[] = [], extra: Document = {}) {
  const reply = await db.command({
    aggregate: coll,
    pipeline: [{ $changeStream: {} }, ...pipeline],
    cursor: {},
    ...extra,
  });
  return reply.cursor as { id: unknown; firstBatch: Document[]; postBatchResumeToken: Document };
}

describe('events of ordinary writes carry no lsid / txnNumber', () => {
  it('neither for CRUD in an explicit session nor for DDL', async () => {
    const db = freshDb();
    const coll = db.collection('c');
    const stream = db.watch([], { showExpandedEvents: true });
    await stream.tryNext();
    const session = fx.client.startSession();
    await coll.insertOne({ _id: 1 as never }, { session }); // implicit create + insert, retryable (txnNumber sent)
    await coll.updateOne({ _id: 1 as never }, { $set: { a: 1 } }, { session });
    await coll.createIndex({ a: 1 }, { session });
    await session.endSession();
    const events = [await stream.next(), await stream.next(), await stream.next(), await stream.next()];
    expect(events.map((e) => e.operationType)).toEqual(['create', 'insert', 'update', 'createIndexes']);
    for (const event of events) {
      expect(event).not.toHaveProperty('lsid');
      expect(event).not.toHaveProperty('txnNumber');
    }
    await stream.close();
  });
});

describe('postBatchResumeToken', () => {
  it("is the last event's token when the batch ends with an event", async () => {
    const db = freshDb();
    const coll = db.collection('c');
    await coll.insertOne({ _id: 0 as never });
    const cursor = await openRaw(db, 'c');
    await coll.insertMany([{ _id: 1 as never }, { _id: 2 as never }]);
    const more = await db.command({ getMore: cursor.id, collection: 'c' });
    const batch = more.cursor.nextBatch as Document[];
    expect(batch).toHaveLength(2);
    expect(more.cursor.postBatchResumeToken).toEqual(batch[1]!._id);
    // The driver's resumeToken after the last event of a batch is that event's _id, as on a real server.
    const stream = coll.watch([], { startAfter: batch[0]!._id });
    const next = await stream.next();
    expect(next._id).toEqual(batch[1]!._id);
    expect(stream.resumeToken).toEqual(next._id);
    await stream.close();
    await db.command({ killCursors: 'c', cursors: [cursor.id] });
  });

  it('is a high-water mark past writes the stream filtered out', async () => {
    const db = freshDb();
    const coll = db.collection('c');
    await coll.insertOne({ _id: 0 as never });
    const cursor = await openRaw(db, 'c', [{ $match: { 'fullDocument.keep': true } }]);
    await coll.insertOne({ _id: 1 as never, keep: true });
    await coll.insertOne({ _id: 2 as never, keep: false });
    const more = await db.command({ getMore: cursor.id, collection: 'c' });
    const [event] = more.cursor.nextBatch as Document[];
    expect(event?.documentKey).toEqual({ _id: 1 });
    expect(more.cursor.postBatchResumeToken._data > (event!._id as Document)._data).toBe(true);
    await db.command({ killCursors: 'c', cursors: [cursor.id] });
  });
});

describe('variables in change-stream pipelines', () => {
  it('an undefined variable fails the aggregate at once with 17276', async () => {
    const db = freshDb();
    await db.collection('c').insertOne({});
    const error = await failure(openRaw(db, 'c', [{ $addFields: { t: '$$clusterTime' } }]));
    expect(error.code).toBe(17276);
    expect(error.message).toBe('Use of undefined variable: clusterTime');
    const inMatch = await failure(openRaw(db, 'c', [{ $match: { $expr: { $eq: ['$$nope', 1] } } }]));
    expect(inMatch.code).toBe(17276);
    // Variables the command's let or $let define are fine.
    const ok = await openRaw(db, 'c', [{ $addFields: { x: '$$foo', y: { $let: { vars: { z: 1 }, in: '$$z' } } } }], {
      let: { foo: 1 },
    });
    expect(ok.firstBatch).toEqual([]);
  });

  it('$$CLUSTER_TIME is the time of the operation, the same for every event of a batch', async () => {
    const db = freshDb();
    const coll = db.collection('c');
    const start = (await db.command({ ping: 1 })).operationTime as Timestamp;
    await coll.insertOne({ _id: 1 as never });
    await coll.insertOne({ _id: 2 as never });
    const reply = await db.command({
      aggregate: 'c',
      pipeline: [{ $changeStream: { startAtOperationTime: start } }, { $addFields: { opTime: '$$CLUSTER_TIME' } }],
      cursor: {},
    });
    const [first, second] = reply.cursor.firstBatch as Document[];
    expect(first!.opTime).toEqual(second!.opTime);
    expect((first!.opTime as Timestamp).compare(second!.clusterTime as Timestamp)).toBeGreaterThanOrEqual(0);
    expect((first!.clusterTime as Timestamp).compare(second!.clusterTime as Timestamp)).toBeLessThan(0);
  });
});

describe('event fields come in the order MongoDB emits them', () => {
  it('for inserts, updates, replaces, deletes and modify', async () => {
    const db = freshDb();
    const coll = db.collection('c');
    await db.createCollection('c');
    const stream = coll.watch([], {
      fullDocument: 'updateLookup',
      fullDocumentBeforeChange: 'whenAvailable',
      showExpandedEvents: true,
    });
    await stream.tryNext();
    await db.command({ collMod: 'c', changeStreamPreAndPostImages: { enabled: true } });
    await coll.insertOne({ _id: 1 as never, a: 1 });
    await coll.updateOne({ _id: 1 as never }, { $set: { a: 2 } });
    await coll.replaceOne({ _id: 1 as never }, { b: 1 });
    await coll.deleteOne({ _id: 1 as never });
    const [modify, insert, update, replace, del] = [
      await stream.next(),
      await stream.next(),
      await stream.next(),
      await stream.next(),
      await stream.next(),
    ];
    const head = ['_id', 'operationType', 'clusterTime', 'collectionUUID', 'wallTime'];
    expect(Object.keys(modify)).toEqual([...head, 'ns', 'operationDescription', 'stateBeforeChange']);
    expect(Object.keys(insert)).toEqual([...head, 'fullDocument', 'ns', 'documentKey']);
    expect(Object.keys(update)).toEqual([
      ...head,
      'ns',
      'documentKey',
      'updateDescription',
      'fullDocumentBeforeChange',
      'fullDocument',
    ]);
    expect(Object.keys(replace)).toEqual([...head, 'fullDocument', 'ns', 'documentKey', 'fullDocumentBeforeChange']);
    expect(Object.keys(del)).toEqual([...head, 'ns', 'documentKey', 'fullDocumentBeforeChange']);
    await stream.close();
  });

  it('modify events carry stateBeforeChange: the collection options before collMod, with its uuid', async () => {
    const db = freshDb();
    await db.createCollection('c', { validator: { a: { $exists: true } } });
    const info = (await db.listCollections({ name: 'c' }).next()) as Document;
    const stream = db.collection('c').watch([], { showExpandedEvents: true });
    await stream.tryNext();
    await db.command({ collMod: 'c', changeStreamPreAndPostImages: { enabled: true } });
    const modify = await stream.next();
    expect(modify).toMatchObject({
      operationType: 'modify',
      operationDescription: { changeStreamPreAndPostImages: { enabled: true } },
      stateBeforeChange: { collectionOptions: { validator: { a: { $exists: true } } } },
    });
    const before = (modify as Document).stateBeforeChange.collectionOptions as Document;
    expect(before.uuid.toHexString()).toBe(info.info.uuid.toHexString());
    expect(before).not.toHaveProperty('changeStreamPreAndPostImages');
    await stream.close();
  });
});

describe('history and options MongoDB refuses', () => {
  it('startAtOperationTime before the retained history fails with ChangeStreamHistoryLost (286)', async () => {
    const db = freshDb();
    const error = await failure(
      db.command({
        aggregate: 'c',
        pipeline: [{ $changeStream: { startAtOperationTime: new Timestamp({ t: 1, i: 1 }) } }],
        cursor: {},
      }),
    );
    expect(error.code).toBe(286);
  });

  it('readConcern other than majority on a change stream is InvalidOptions (72)', async () => {
    const db = freshDb();
    const error = await failure(openRaw(db, 'c', [], { readConcern: { level: 'local' } }));
    expect(error.code).toBe(72);
    expect(error.message).toMatch(/cannot run with a readConcern other than 'majority'/);
    expect((await openRaw(db, 'c', [], { readConcern: { level: 'majority' } })).firstBatch).toEqual([]);
  });

  it('$changeStream anywhere but first is 40602', async () => {
    const db = freshDb();
    const error = await failure(
      db.command({ aggregate: 'c', pipeline: [{ $match: {} }, { $changeStream: {} }], cursor: {} }),
    );
    expect(error.code).toBe(40602);
  });
});

describe('idle no-op writes', () => {
  it('advance the postBatchResumeToken of an idle stream and the cluster time', async () => {
    const idle = await EmbeddedMongo.start({ noopIntervalMS: 30 });
    const c = await new Client(idle.uri).connect();
    try {
      const db = c.db('idle');
      await db.collection('c').insertOne({});
      const cursor = await openRaw(db, 'c');
      const before = cursor.postBatchResumeToken;
      const beforeTime = (await db.command({ ping: 1 })).operationTime as Timestamp;
      await new Promise((resolve) => setTimeout(resolve, 200));
      const more = await db.command({ getMore: cursor.id, collection: 'c', maxTimeMS: 10 });
      expect(more.cursor.nextBatch).toEqual([]);
      expect(more.cursor.postBatchResumeToken._data > before._data).toBe(true);
      expect((more.operationTime as Timestamp).compare(beforeTime)).toBeGreaterThan(0);
    } finally {
      await c.close(true);
      await idle.stop();
    }
  });

  it('are off with noopIntervalMS: 0', async () => {
    const db = freshDb();
    await db.collection('c').insertOne({});
    const cursor = await openRaw(db, 'c');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const more = await db.command({ getMore: cursor.id, collection: 'c', maxTimeMS: 10 });
    expect(more.cursor.postBatchResumeToken).toEqual(cursor.postBatchResumeToken);
  });
});
