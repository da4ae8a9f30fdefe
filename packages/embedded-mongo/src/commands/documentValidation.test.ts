import { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useDriverFixture } from '../testing/driverFixture.js';

const fx = useDriverFixture('validation');

async function errorOf(promise: Promise<unknown>): Promise<MongoServerError | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => (e instanceof MongoServerError ? e : Promise.reject(e)),
  );
}

describe('collection validators', () => {
  it('refuse inserts, updates, replaces, upserts and findOneAndUpdate that fail them (121)', async () => {
    const db = fx.freshDb();
    await db.createCollection('c', { validator: { qty: { $type: 'int', $gte: 0 } } });
    const coll = db.collection('c');
    await coll.insertOne({ _id: 1 as never, qty: 1 });
    const bad = await errorOf(coll.insertOne({ _id: 2 as never, qty: -1 }));
    expect(bad?.code).toBe(121);
    expect(bad?.errInfo).toMatchObject({ failingDocumentId: 2 });
    expect((await errorOf(coll.updateOne({ _id: 1 as never }, { $set: { qty: 'x' } })))?.code).toBe(121);
    expect((await errorOf(coll.replaceOne({ _id: 1 as never }, { other: true })))?.code).toBe(121);
    expect((await errorOf(coll.updateOne({ _id: 5 as never }, { $set: { qty: -5 } }, { upsert: true })))?.code).toBe(
      121,
    );
    const fam = await errorOf(coll.findOneAndUpdate({ _id: 1 as never }, { $set: { qty: -2 } }));
    expect(fam?.code).toBe(121);
    expect(fam?.errorResponse.errInfo).toMatchObject({ failingDocumentId: 1 });
    expect(await coll.find().toArray()).toEqual([{ _id: 1, qty: 1 }]);
    // bypassDocumentValidation, and valid writes, go through.
    await coll.insertOne({ _id: 3 as never, qty: -3 }, { bypassDocumentValidation: true });
    await coll.updateOne({ _id: 1 as never }, { $inc: { qty: 1 } });
    expect(await coll.countDocuments()).toBe(2);
  });

  it('follow validationAction warn, validationLevel moderate and off, also when set by collMod', async () => {
    const db = fx.freshDb();
    const coll = db.collection('c');
    await coll.insertMany([
      { _id: 1 as never, a: 'bad' },
      { _id: 2 as never, a: 1 },
    ]);
    await db.command({ collMod: 'c', validator: { a: { $type: 'number' } }, validationLevel: 'moderate' });
    // Moderate: a document that already failed may be updated; a valid one must stay valid.
    await coll.updateOne({ _id: 1 as never }, { $set: { b: 1 } });
    expect((await errorOf(coll.updateOne({ _id: 2 as never }, { $set: { a: 'x' } })))?.code).toBe(121);
    await db.command({ collMod: 'c', validationAction: 'warn' });
    await coll.updateOne({ _id: 2 as never }, { $set: { a: 'x' } });
    await db.command({ collMod: 'c', validationAction: 'error', validationLevel: 'off' });
    await coll.insertOne({ _id: 3 as never, a: 'anything' });
    expect(await coll.countDocuments()).toBe(3);
  });
});
