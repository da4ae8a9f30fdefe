import type { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useDriverFixture } from '../testing/driverFixture.js';

const fx = useDriverFixture('idx');

describe('indexes', () => {
  it('creates, lists and drops indexes', async () => {
    const coll = fx.freshDb().collection('people');
    expect(await coll.createIndex({ name: 1 }, { unique: true })).toBe('name_1');
    expect(await coll.createIndex({ age: -1, city: 1 })).toBe('age_-1_city_1');
    expect(await coll.createIndex({ name: 1 }, { unique: true })).toBe('name_1'); // idempotent
    const listed = await coll.listIndexes().toArray();
    expect(listed).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { name: 1 }, name: 'name_1', unique: true },
      { v: 2, key: { age: -1, city: 1 }, name: 'age_-1_city_1' },
    ]);
    await coll.dropIndex('age_-1_city_1');
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'name_1']);
    const missing = await coll.dropIndex('nope').catch((e) => e);
    expect(missing.code).toBe(27);
    const idIndex = await coll.dropIndex('_id_').catch((e) => e);
    expect(idIndex.code).toBe(72);
    await coll.dropIndexes();
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('enforces unique indexes on insert, update and upsert with the E11000 shape', async () => {
    const coll = fx.freshDb().collection('users');
    await coll.createIndex({ name: 1 }, { unique: true });
    await coll.insertOne({ name: 'x' });
    const { insertedId } = await coll.insertOne({ name: 'y' });
    const onInsert = (await coll.insertOne({ name: 'x' }).catch((e) => e)) as MongoServerError;
    expect(onInsert.code).toBe(11000);
    expect(onInsert.message).toBe(
      `E11000 duplicate key error collection: ${coll.namespace} index: name_1 dup key: { name: "x" }`,
    );
    expect(onInsert.keyPattern).toEqual({ name: 1 });
    expect(onInsert.keyValue).toEqual({ name: 'x' });
    const onUpdate = (await coll
      .updateOne({ _id: insertedId }, { $set: { name: 'x' } })
      .catch((e) => e)) as MongoServerError;
    expect(onUpdate.code).toBe(11000);
    const onUpsert = (await coll
      .updateOne({ name: 'x', missing: true }, { $set: { other: 1 } }, { upsert: true })
      .catch((e) => e)) as MongoServerError;
    expect(onUpsert.code).toBe(11000);
    const onFindAndModify = (await coll
      .findOneAndUpdate({ _id: insertedId }, { $set: { name: 'x' } })
      .catch((e) => e)) as MongoServerError;
    expect(onFindAndModify.code).toBe(11000);
    expect(await coll.findOne({ _id: insertedId })).toMatchObject({ name: 'y' });
    await coll.deleteOne({ name: 'x' });
    await coll.updateOne({ _id: insertedId }, { $set: { name: 'x' } });
    expect(await coll.countDocuments({ name: 'x' })).toBe(1);
  });

  it('refuses a unique index over existing duplicates, and treats missing fields as null', async () => {
    const coll = fx.freshDb().collection('dups');
    await coll.insertMany([{ a: 1 }, { a: 1 }]);
    const error = (await coll.createIndex({ a: 1 }, { unique: true }).catch((e) => e)) as MongoServerError;
    expect(error.code).toBe(11000);
    const other = fx.freshDb().collection('nulls');
    await other.createIndex({ b: 1 }, { unique: true });
    await other.insertOne({});
    const second = (await other.insertOne({}).catch((e) => e)) as MongoServerError;
    expect(second.message).toMatch(/dup key: \{ b: null \}/);
  });

  it('honours sparse and partial unique indexes and multikey values', async () => {
    const coll = fx.freshDb().collection('partial');
    await coll.createIndex({ email: 1 }, { unique: true, sparse: true });
    await coll.createIndex({ code: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await coll.insertMany([{}, {}, { code: 'a', active: false }, { code: 'a', active: true }]);
    const error = await coll.insertOne({ code: 'a', active: true }).catch((e) => e);
    expect(error.code).toBe(11000);
    const tags = fx.freshDb().collection('tags');
    await tags.createIndex({ tags: 1 }, { unique: true });
    await tags.insertOne({ tags: ['a', 'b'] });
    const multikey = await tags.insertOne({ tags: ['c', 'b'] }).catch((e) => e);
    expect(multikey.keyValue).toEqual({ tags: 'b' });
  });

  it('reports conflicts between index names and keys', async () => {
    const coll = fx.freshDb().collection('conflicts');
    await coll.createIndex({ a: 1 }, { name: 'my' });
    const sameName = await coll.createIndex({ b: 1 }, { name: 'my' }).catch((e) => e);
    expect(sameName.code).toBe(86);
    const sameKey = await coll.createIndex({ a: 1 }, { name: 'other' }).catch((e) => e);
    expect(sameKey.code).toBe(85);
    const listMissing = await fx
      .freshDb()
      .collection('none')
      .listIndexes()
      .toArray()
      .catch((e) => e);
    expect(listMissing.code).toBe(26);
  });
});
