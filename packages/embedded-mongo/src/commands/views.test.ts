import type { Document, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useDriverFixture } from '../testing/driverFixture.js';

const fx = useDriverFixture('views');

async function viewFixture() {
  const db = fx.freshDb();
  await db.collection('orders').insertMany([
    { _id: 1 as never, item: 'pen', qty: 5 },
    { _id: 2 as never, item: 'ink', qty: 0 },
    { _id: 3 as never, item: 'pad', qty: 2 },
  ]);
  await db.createCollection('inStock', { viewOn: 'orders', pipeline: [{ $match: { qty: { $gt: 0 } } }] });
  return db;
}

describe('views', () => {
  it('find, aggregate, count, distinct and estimatedDocumentCount read through the pipeline', async () => {
    const db = await viewFixture();
    const view = db.collection('inStock');
    expect(await view.find({}, { sort: { qty: 1 } }).toArray()).toEqual([
      { _id: 3, item: 'pad', qty: 2 },
      { _id: 1, item: 'pen', qty: 5 },
    ]);
    expect(await view.find({ item: 'pen' }).project({ _id: 0, item: 1 }).toArray()).toEqual([{ item: 'pen' }]);
    expect(await view.aggregate([{ $group: { _id: null, total: { $sum: '$qty' } } }]).toArray()).toEqual([
      { _id: null, total: 7 },
    ]);
    expect(await view.countDocuments()).toBe(2);
    expect(await view.estimatedDocumentCount()).toBe(2);
    expect(await view.distinct('item')).toEqual(['pad', 'pen']);
    // A view on a view, and a live one: writes to the source show up.
    await db.createCollection('bigStock', { viewOn: 'inStock', pipeline: [{ $match: { qty: { $gte: 5 } } }] });
    await db.collection('orders').updateOne({ _id: 2 as never }, { $set: { qty: 9 } });
    expect((await db.collection('bigStock').find().toArray()).map((d) => d._id)).toEqual([1, 2]);
  });

  it('listCollections reports type view with its definition', async () => {
    const db = await viewFixture();
    const [info] = (await db.listCollections({ name: 'inStock' }).toArray()) as Document[];
    expect(info).toEqual({
      name: 'inStock',
      type: 'view',
      options: { viewOn: 'orders', pipeline: [{ $match: { qty: { $gt: 0 } } }] },
      info: { readOnly: true },
    });
    const names = await db.listCollections({}, { nameOnly: true }).toArray();
    expect(names).toContainEqual({ name: 'inStock', type: 'view' });
  });

  it('refuse writes and change streams with CommandNotSupportedOnView (166)', async () => {
    const db = await viewFixture();
    const view = db.collection('inStock');
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: MongoServerError) => e.code,
      );
    expect(await codeOf(view.insertOne({ qty: 1 }))).toBe(166);
    expect(await codeOf(view.updateOne({}, { $set: { qty: 1 } }))).toBe(166);
    expect(await codeOf(view.deleteOne({}))).toBe(166);
    expect(await codeOf(view.createIndex({ qty: 1 }))).toBe(166);
    expect(await codeOf(db.command({ aggregate: 'inStock', pipeline: [{ $changeStream: {} }], cursor: {} }))).toBe(166);
    expect(await codeOf(db.createCollection('inStock', { viewOn: 'orders' }))).toBe(48);
  });

  it('creating a view is a create event with its definition for database streams', async () => {
    const db = fx.freshDb();
    await db.collection('orders').insertOne({});
    const stream = db.watch([], { showExpandedEvents: true });
    await stream.tryNext();
    await db.createCollection('v', { viewOn: 'orders', pipeline: [{ $match: { a: 1 } }] });
    await db.dropCollection('v');
    const create = (await stream.next()) as Document;
    expect(create).toMatchObject({
      operationType: 'create',
      ns: { db: db.databaseName, coll: 'v' },
      operationDescription: { viewOn: 'orders', pipeline: [{ $match: { a: 1 } }] },
    });
    expect(create).not.toHaveProperty('collectionUUID');
    expect(await stream.next()).toMatchObject({ operationType: 'drop', ns: { coll: 'v' } });
    await stream.close();
  });
});
