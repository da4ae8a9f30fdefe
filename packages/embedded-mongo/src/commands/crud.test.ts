import { Decimal128, Long, MongoBulkWriteError, MongoClient, type MongoServerError, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useDriverFixture } from '../testing/driverFixture.js';

const fx = useDriverFixture('crud');

describe('insert and find', () => {
  it('round-trips ObjectId, Date, Decimal128 and Long values', async () => {
    const coll = fx.freshDb().collection('types');
    const doc = {
      ref: new ObjectId(),
      at: new Date('2024-05-06T07:08:09.010Z'),
      price: Decimal128.fromString('19.99'),
      big: Long.fromString('9007199254740993'),
      nested: { list: [1, 'two', { three: 3 }] },
    };
    const { insertedId } = await coll.insertOne(doc);
    expect(insertedId).toBeInstanceOf(ObjectId);
    const found = await coll.findOne({ _id: insertedId }, { promoteLongs: false });
    expect(found?.ref.equals(doc.ref)).toBe(true);
    expect(found?.at.getTime()).toBe(doc.at.getTime());
    expect(found?.price.toString()).toBe('19.99');
    expect(found?.big.toString()).toBe('9007199254740993');
    expect(found?.nested).toEqual(doc.nested);
    expect(Object.keys(found ?? {})[0]).toBe('_id');
  });

  it('rejects $-prefixed fields inside _id', async () => {
    const error = await fx
      .freshDb()
      .collection('dollar')
      .insertOne({ _id: { $a: 1 } } as never)
      .catch((e) => e);
    expect(error.code).toBe(52);
  });

  it('updates with the positional $ operator', async () => {
    const coll = fx.freshDb().collection('positional');
    const { insertedId } = await coll.insertOne({ grades: [1, 2, 3] });
    await coll.updateOne({ grades: 2 }, { $set: { 'grades.$': 20 } });
    expect((await coll.findOne({ _id: insertedId }))?.grades).toEqual([1, 20, 3]);
  });

  it('puts a given _id first and rejects a duplicate _id with 11000', async () => {
    const coll = fx.freshDb().collection('ids');
    await coll.insertOne({ a: 1, _id: 7 } as never);
    const raw = await coll.findOne({});
    expect(Object.keys(raw ?? {})).toEqual(['_id', 'a']);
    const error = (await coll.insertOne({ _id: 7 } as never).catch((e) => e)) as MongoServerError;
    expect(error.code).toBe(11000);
    expect(error.message).toBe(
      `E11000 duplicate key error collection: ${coll.namespace} index: _id_ dup key: { _id: 7 }`,
    );
  });

  it('stops ordered inserts at the first error and continues unordered ones', async () => {
    const coll = fx.freshDb().collection('batches');
    const ordered = await coll.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }] as never[]).catch((e) => e);
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    expect(ordered.result.insertedCount).toBe(1);
    expect(ordered.writeErrors[0].index).toBe(1);
    expect(await coll.countDocuments()).toBe(1);
    const unordered = await coll
      .insertMany([{ _id: 3 }, { _id: 1 }, { _id: 4 }] as never[], { ordered: false })
      .catch((e) => e);
    expect(unordered.result.insertedCount).toBe(2);
    expect(await coll.countDocuments()).toBe(3);
  });

  it('walks a cursor across getMores with a small batchSize, sorted, skipped and limited', async () => {
    const coll = fx.freshDb().collection('many');
    await coll.insertMany(Array.from({ length: 50 }, (_, i) => ({ i, parity: i % 2 })));
    const seenBatches: number[] = [];
    const monitored = new MongoClient(fx.server.uri, { monitorCommands: true });
    monitored.on('commandSucceeded', (event) => {
      if (event.commandName === 'getMore')
        seenBatches.push((event.reply as { cursor: { nextBatch: unknown[] } }).cursor.nextBatch.length);
    });
    const all = await monitored
      .db(coll.dbName)
      .collection('many')
      .find({ parity: 0 }, { batchSize: 4, sort: { i: -1 }, skip: 2, limit: 15, projection: { _id: 0, i: 1 } })
      .toArray();
    await monitored.close();
    expect(all.map((d) => d.i)).toEqual([44, 42, 40, 38, 36, 34, 32, 30, 28, 26, 24, 22, 20, 18, 16]);
    expect(all[0]).toEqual({ i: 44 });
    expect(seenBatches.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...seenBatches)).toBeLessThanOrEqual(4);
  });

  it('sends the cursor id as an int64 and kills cursors on close', async () => {
    const coll = fx.freshDb().collection('cursor');
    await coll.insertMany(Array.from({ length: 10 }, (_, i) => ({ i })));
    const db = fx.client.db(coll.dbName);
    const reply = await db.command({ find: 'cursor', batchSize: 2 }, { promoteLongs: false });
    expect(reply.cursor.id._bsontype).toBe('Long');
    expect(reply.cursor.ns).toBe(coll.namespace);
    expect(reply.cursor.firstBatch).toHaveLength(2);
    const more = await db.command(
      { getMore: reply.cursor.id, collection: 'cursor', batchSize: 3 },
      { promoteLongs: false },
    );
    expect(more.cursor.nextBatch.map((d: { i: number }) => d.i)).toEqual([2, 3, 4]);
    const killed = await db.command({ killCursors: 'cursor', cursors: [reply.cursor.id, Long.fromNumber(12345)] });
    expect(killed.cursorsKilled).toHaveLength(1);
    expect(killed.cursorsNotFound).toHaveLength(1);
    const gone = await db.command({ getMore: reply.cursor.id, collection: 'cursor' }).catch((e) => e);
    expect(gone.code).toBe(43);
  });

  it('sorts by $natural order, forwards and backwards', async () => {
    const coll = fx.freshDb().collection('natural');
    await coll.insertMany([{ i: 2 }, { i: 1 }, { i: 3 }]);
    const forwards = await coll.find({}, { sort: { $natural: 1 } }).toArray();
    expect(forwards.map((d) => d.i)).toEqual([2, 1, 3]);
    const backwards = await coll.find({}, { sort: { $natural: -1 } }).toArray();
    expect(backwards.map((d) => d.i)).toEqual([3, 1, 2]);
  });

  it('answers a negative limit with a single batch and no cursor', async () => {
    const coll = fx.freshDb().collection('neg');
    await coll.insertMany(Array.from({ length: 10 }, (_, i) => ({ i })));
    const reply = await fx.client.db(coll.dbName).command({ find: 'neg', limit: -3 });
    expect(reply.cursor.firstBatch).toHaveLength(3);
    expect(Number(reply.cursor.id)).toBe(0);
  });

  it('counts and lists distinct values, flattening arrays', async () => {
    const coll = fx.freshDb().collection('tags');
    await coll.insertMany([{ tags: ['a', 'b'] }, { tags: 'c' }, { tags: ['a', ['x']] }, { other: 1 }]);
    expect(await coll.distinct('tags')).toEqual(['a', 'b', 'c', ['x']]);
    expect(await coll.countDocuments({ tags: 'a' })).toBe(2);
    expect(await coll.estimatedDocumentCount()).toBe(4);
    const counted = await fx.client.db(coll.dbName).command({ count: 'tags', query: {}, skip: 1, limit: 2 });
    expect(counted.n).toBe(2);
    await coll.insertMany([{ word: 'PING' }, { word: 'ping' }, { word: 'pong' }]);
    expect(await coll.distinct('word', {}, { collation: { locale: 'en', strength: 1 } })).toHaveLength(2);
    expect(await coll.distinct('word')).toEqual(['PING', 'ping', 'pong']);
  });
});

describe('update, delete, findAndModify', () => {
  it('updates one or many and reports n / nModified / upserted', async () => {
    const coll = fx.freshDb().collection('upd');
    await coll.insertMany([
      { k: 1, v: 0 },
      { k: 1, v: 0 },
      { k: 2, v: 0 },
    ]);
    const one = await coll.updateOne({ k: 1 }, { $set: { v: 1 } });
    expect([one.matchedCount, one.modifiedCount]).toEqual([1, 1]);
    const many = await coll.updateMany({ k: 1 }, { $set: { v: 1 } });
    expect([many.matchedCount, many.modifiedCount]).toEqual([2, 1]);
    const upsert = await coll.updateOne(
      { k: 9 },
      { $set: { v: 5 }, $setOnInsert: { created: true } },
      { upsert: true },
    );
    expect(upsert.upsertedCount).toBe(1);
    const inserted = await coll.findOne({ _id: upsert.upsertedId as ObjectId });
    expect(inserted).toMatchObject({ k: 9, v: 5, created: true });
    const again = await coll.updateOne(
      { k: 9 },
      { $set: { v: 6 }, $setOnInsert: { created: false } },
      { upsert: true },
    );
    expect(again.upsertedCount).toBe(0);
    expect(await coll.findOne({ k: 9 })).toMatchObject({ v: 6, created: true });
  });

  it('replaces documents, keeping _id, and rejects multi replacements', async () => {
    const coll = fx.freshDb().collection('repl');
    const { insertedId } = await coll.insertOne({ a: 1, b: 2 });
    await coll.replaceOne({ _id: insertedId }, { c: 3 });
    expect(await coll.findOne({ _id: insertedId })).toEqual({ _id: insertedId, c: 3 });
    const error = await fx.client
      .db(coll.dbName)
      .command({ update: 'repl', updates: [{ q: {}, u: { d: 4 }, multi: true }] });
    expect(error.writeErrors[0].code).toBe(9);
  });

  it('applies arrayFilters and pipeline updates', async () => {
    const coll = fx.freshDb().collection('arr');
    const { insertedId } = await coll.insertOne({ grades: [80, 95, 100], a: 1 });
    await coll.updateOne({ _id: insertedId }, { $set: { 'grades.$[g]': 0 } }, { arrayFilters: [{ g: { $gte: 95 } }] });
    await coll.updateOne({ _id: insertedId }, [{ $set: { b: { $add: ['$a', 1] } } }]);
    expect(await coll.findOne({ _id: insertedId })).toEqual({ _id: insertedId, grades: [80, 0, 0], a: 1, b: 2 });
  });

  it('deletes one or all matches', async () => {
    const coll = fx.freshDb().collection('del');
    await coll.insertMany([{ k: 1 }, { k: 1 }, { k: 1 }, { k: 2 }]);
    expect((await coll.deleteOne({ k: 1 })).deletedCount).toBe(1);
    expect((await coll.deleteMany({ k: 1 })).deletedCount).toBe(2);
    expect(await coll.countDocuments()).toBe(1);
  });

  it('findAndModify returns before/after images with lastErrorObject', async () => {
    const coll = fx.freshDb().collection('fam');
    await coll.insertMany([{ n: 3 }, { n: 1 }, { n: 2 }]);
    const after = await coll.findOneAndUpdate(
      {},
      { $inc: { n: 10 } },
      { sort: { n: 1 }, returnDocument: 'after', projection: { _id: 0 }, includeResultMetadata: true },
    );
    expect(after.value).toEqual({ n: 11 });
    expect(after.lastErrorObject).toEqual({ n: 1, updatedExisting: true });
    const removed = await coll.findOneAndDelete({ n: 2 });
    expect(removed).toMatchObject({ n: 2 });
    const upserted = await coll.findOneAndUpdate(
      { n: 50 },
      { $set: { m: 1 } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(upserted.value).toMatchObject({ n: 50, m: 1 });
    expect(upserted.lastErrorObject?.updatedExisting).toBe(false);
    expect(upserted.lastErrorObject?.upserted).toBeInstanceOf(ObjectId);
    const replaced = await coll.findOneAndReplace({ n: 50 }, { r: true }, { returnDocument: 'before' });
    expect(replaced).toMatchObject({ n: 50 });
    expect(await coll.findOne({ r: true })).toBeTruthy();
    const none = await coll.findOneAndDelete({ n: 999 });
    expect(none).toBeNull();
  });
});

describe('statement validation and let', () => {
  it('rejects unknown fields in update statements', async () => {
    const db = fx.freshDb();
    const error = await db
      .command({ update: 'v', updates: [{ q: {}, u: { $set: { a: 1 } }, order: { a: 1 } }] })
      .catch((e) => e);
    expect(error.code).toBe(40415);
    expect(error.message).toBe("BSON field 'update.updates.order' is an unknown field.");
    expect(await db.collection('v').countDocuments()).toBe(0);
  });

  it('updateOne / replaceOne with sort update the first match in that order (MongoDB 8.0)', async () => {
    const db = fx.freshDb();
    const coll = db.collection('sorted');
    await coll.insertMany([
      { _id: 1 as never, a: 2 },
      { _id: 2 as never, a: 1 },
      { _id: 3 as never, a: 3 },
    ]);
    await coll.updateOne({}, { $set: { hit: true } }, { sort: { a: 1 } });
    await coll.replaceOne({ a: { $gt: 1 } }, { a: 9 }, { sort: { a: -1 } });
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, a: 2 },
      { _id: 2, a: 1, hit: true },
      { _id: 3, a: 9 },
    ]);
    const multi = await db
      .command({ update: 'sorted', updates: [{ q: {}, u: { $set: { b: 1 } }, multi: true, sort: { a: 1 } }] })
      .catch((e: { code?: number }) => e);
    expect(multi.code).toBe(72);
  });

  it('passes let variables to $expr in find, update and delete', async () => {
    const coll = fx.freshDb().collection('let');
    await coll.insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const found = await coll.find({ $expr: { $eq: ['$a', '$$target'] } }, { let: { target: 2 } }).toArray();
    expect(found.map((d) => d.a)).toEqual([2]);
    await coll.updateOne({ $expr: { $eq: ['$a', '$$target'] } }, { $set: { hit: true } }, { let: { target: 3 } });
    expect(await coll.countDocuments({ hit: true, a: 3 })).toBe(1);
    await coll.deleteMany({ $expr: { $lt: ['$a', '$$limit'] } }, { let: { limit: 3 } });
    expect(await coll.countDocuments()).toBe(1);
    await coll.updateOne({}, [{ $set: { label: '$$label' } }], { let: { label: { $literal: '$notAField' } } });
    expect(await coll.findOne({}, { projection: { _id: 0 } })).toEqual({ a: 3, hit: true, label: '$notAField' });
  });
});

describe('driver features', () => {
  it('passes lsid through explicit sessions', async () => {
    const coll = fx.freshDb().collection('sess');
    const session = fx.client.startSession();
    await coll.insertOne({ a: 1 }, { session });
    expect(await coll.countDocuments({}, { session })).toBe(1);
    await session.endSession();
  });

  it('performs w:0 writes (moreToCome) without a reply', async () => {
    const coll = fx.freshDb().collection('w0');
    const result = await coll.insertOne({ fire: 'forget' }, { writeConcern: { w: 0 } });
    expect(result.acknowledged).toBe(false);
    // The next command on the same pool runs after the unacknowledged insert on its connection.
    expect(await coll.findOne({ fire: 'forget' })).toMatchObject({ fire: 'forget' });
  });

  it('answers unknown aggregate stages with an error and needs the cursor option', async () => {
    const db = fx.freshDb();
    const noCursor = await db.command({ aggregate: 'x', pipeline: [] }).catch((e) => e);
    expect(noCursor.code).toBe(9);
    const result = await db
      .collection('agg')
      .aggregate([{ $match: {} }])
      .toArray();
    expect(result).toEqual([]);
  });
});

describe('large results', () => {
  it('splits batches below the 16 MiB reply limit', async () => {
    const coll = fx.freshDb().collection('large');
    const big = 'x'.repeat(1024 * 1024);
    await coll.insertMany(Array.from({ length: 20 }, (_, i) => ({ i, big })));
    const all = await coll.find({}).toArray();
    expect(all).toHaveLength(20);
  });
});
