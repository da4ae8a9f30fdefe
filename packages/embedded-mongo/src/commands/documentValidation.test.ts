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
    expect(bad?.errInfo).toEqual({
      failingDocumentId: 2,
      details: {
        operatorName: '$and',
        clausesNotSatisfied: [
          {
            index: 1,
            details: {
              operatorName: '$gte',
              specifiedAs: { qty: { $gte: 0 } },
              reason: 'comparison failed',
              consideredValue: -1,
            },
          },
        ],
      },
    });
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

describe('$jsonSchema validators and filters', () => {
  const schema = {
    bsonType: 'object',
    title: 'orders',
    required: ['sku', 'qty'],
    properties: {
      sku: { bsonType: 'string', pattern: '^[A-Z]{3}-\\d+$', description: 'SKU like ABC-1' },
      qty: { bsonType: 'int', minimum: 1 },
      tags: { bsonType: 'array', items: { enum: ['red', 'blue'] }, uniqueItems: true },
    },
  };

  it('refuse a failing insert with 121 and errInfo.details in mongod shape; valid documents go in', async () => {
    const db = fx.freshDb();
    await db.createCollection('orders', { validator: { $jsonSchema: schema } });
    const coll = db.collection('orders');
    await coll.insertOne({ _id: 1 as never, sku: 'ABC-1', qty: 2, tags: ['red'] });
    const bad = await errorOf(coll.insertOne({ _id: 2 as never, sku: 'abc', tags: ['red', 'green'] }));
    expect(bad?.code).toBe(121);
    expect(bad?.errInfo).toEqual({
      failingDocumentId: 2,
      details: {
        operatorName: '$jsonSchema',
        title: 'orders',
        schemaRulesNotSatisfied: [
          {
            operatorName: 'properties',
            propertiesNotSatisfied: [
              {
                propertyName: 'sku',
                description: 'SKU like ABC-1',
                details: [
                  {
                    operatorName: 'pattern',
                    specifiedAs: { pattern: '^[A-Z]{3}-\\d+$' },
                    reason: 'regular expression did not match',
                    consideredValue: 'abc',
                  },
                ],
              },
              {
                propertyName: 'tags',
                details: [
                  {
                    operatorName: 'items',
                    reason: 'At least one item did not match the sub-schema',
                    itemIndex: 1,
                    details: [
                      {
                        operatorName: 'enum',
                        specifiedAs: { enum: ['red', 'blue'] },
                        reason: 'value was not found in enum',
                        consideredValue: 'green',
                      },
                    ],
                  },
                ],
              },
            ],
          },
          { operatorName: 'required', specifiedAs: { required: ['sku', 'qty'] }, missingProperties: ['qty'] },
        ],
      },
    });
    // Updates are validated on the new document, also through findOneAndUpdate and upserts.
    expect((await errorOf(coll.updateOne({ _id: 1 as never }, { $set: { qty: 0 } })))?.code).toBe(121);
    expect((await errorOf(coll.findOneAndUpdate({ _id: 1 as never }, { $unset: { sku: '' } })))?.code).toBe(121);
    expect(await coll.find().toArray()).toEqual([{ _id: 1, sku: 'ABC-1', qty: 2, tags: ['red'] }]);
  });

  it('mix with query operators ($and of clauses), change by collMod, and refuse malformed schemas at create', async () => {
    const db = fx.freshDb();
    await db.createCollection('c', { validator: { $jsonSchema: { required: ['a'] }, b: { $gte: 0 } } });
    const coll = db.collection('c');
    const bad = await errorOf(coll.insertOne({ _id: 1 as never, b: -1 }));
    expect(bad?.errInfo?.details).toMatchObject({
      operatorName: '$and',
      clausesNotSatisfied: [
        { index: 0, details: { operatorName: '$jsonSchema', schemaRulesNotSatisfied: [{ missingProperties: ['a'] }] } },
        { index: 1, details: { operatorName: '$gte', specifiedAs: { b: { $gte: 0 } } } },
      ],
    });
    await db.command({ collMod: 'c', validator: { $jsonSchema: { properties: { a: { bsonType: 'string' } } } } });
    await coll.insertOne({ _id: 2 as never, b: -1 });
    expect((await errorOf(coll.insertOne({ _id: 3 as never, a: 1 })))?.code).toBe(121);
    const infos = await db.listCollections({ name: 'c' }).toArray();
    expect((infos[0] as unknown as { options: { validator: unknown } }).options.validator).toEqual({
      $jsonSchema: { properties: { a: { bsonType: 'string' } } },
    });
    expect((await errorOf(db.createCollection('d', { validator: { $jsonSchema: { format: 'x' } } })))?.codeName).toBe(
      'FailedToParse',
    );
    expect((await errorOf(db.command({ collMod: 'c', validator: { $jsonSchema: { minimum: 'x' } } })))?.codeName).toBe(
      'TypeMismatch',
    );
    expect((await errorOf(db.command({ collMod: 'c', validationLevel: 'sometimes' })))?.codeName).toBe('BadValue');
  });

  it('filter find, count and $match like any query operator', async () => {
    const coll = fx.freshDb().collection('c');
    await coll.insertMany([
      { _id: 1 as never, sku: 'ABC-1', qty: 2 },
      { _id: 2 as never, sku: 'nope', qty: 2 },
      { _id: 3 as never, sku: 'XYZ-9' },
    ]);
    const ids = (docs: { _id: unknown }[]) => docs.map((d) => d._id);
    expect(ids(await coll.find({ $jsonSchema: schema }).toArray())).toEqual([1]);
    expect(ids(await coll.find({ $nor: [{ $jsonSchema: schema }] }).toArray())).toEqual([2, 3]);
    expect(await coll.countDocuments({ $jsonSchema: { required: ['qty'] }, sku: /^X/ })).toBe(0);
    expect(
      ids(await coll.aggregate<{ _id: unknown }>([{ $match: { $jsonSchema: { required: ['qty'] } } }]).toArray()),
    ).toEqual([1, 2]);
    expect((await errorOf(coll.find({ $jsonSchema: { nope: 1 } }).toArray()))?.codeName).toBe('FailedToParse');
  });
});
