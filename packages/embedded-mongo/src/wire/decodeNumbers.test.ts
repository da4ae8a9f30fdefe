import { BSON, Double, Int32 } from 'bson';
import { MongoClient as Client, type Document, type MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedMongo } from '../EmbeddedMongo.js';
import { decodeNumbers } from './decodeNumbers.js';

const RAW = { promoteValues: false } as const;

/** The BSON type tag: the driver may load its own copy of the bson classes. */
const tag = (value: unknown) => (value as { _bsontype?: string } | undefined)?._bsontype;

function roundTrip(doc: Document): Document {
  return decodeNumbers(BSON.deserialize(BSON.serialize(doc), { promoteValues: false, promoteLongs: false }));
}

describe('decodeNumbers', () => {
  it('keeps integral doubles as Double, everything else as the server holds it', () => {
    const out = roundTrip({
      d: new Double(900),
      i: new Int32(900),
      f: 1.5,
      big: 2 ** 40,
      neg: new Double(-0),
      nested: [{ d: new Double(1) }],
    });
    expect(out.d).toBeInstanceOf(Double);
    expect(out.i).toBe(900);
    expect(out.f).toBe(1.5);
    expect(out.big).toBe(2 ** 40); // a JS number outside int32 serializes as a double anyway
    expect(out.neg).toBeInstanceOf(Double);
    expect(out.nested[0].d).toBeInstanceOf(Double);
    // Serialized again, each keeps its BSON type.
    const raw = BSON.deserialize(BSON.serialize(out), RAW);
    expect(raw.d).toBeInstanceOf(Double);
    expect(raw.i).toBeInstanceOf(Int32);
  });
});

describe('integral doubles through the server', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;
  beforeAll(async () => {
    server = await EmbeddedMongo.start({ noopIntervalMS: 0 });
    client = await new Client(server.uri).connect();
  });
  afterAll(async () => {
    await client?.close(true);
    await server?.stop();
  });

  it('stay doubles in stored documents, query results, updates and change events', async () => {
    const coll = client.db('doubles').collection('products');
    const stream = coll.watch([], { ...RAW, fullDocument: 'updateLookup' });
    await stream.tryNext();
    await coll.insertOne({ _id: 1 as never, price: new Double(900), qty: 3 });
    const found = (await coll.findOne({ _id: 1 as never }, RAW)) as Document;
    expect(tag(found.price)).toBe('Double');
    expect(found.price.value).toBe(900);
    expect(tag(found.qty)).toBe('Int32');
    expect(await coll.countDocuments({ price: { $type: 'double' } })).toBe(1);
    expect(await coll.countDocuments({ qty: { $type: 'int' } })).toBe(1);

    // int + double is a double, as in MongoDB.
    await coll.updateOne({ _id: 1 as never }, { $inc: { price: 1 }, $set: { list: [new Double(2)] } });
    const updated = (await coll.findOne({ _id: 1 as never }, RAW)) as Document;
    expect(tag(updated.price)).toBe('Double');
    expect(updated.price.value).toBe(901);
    expect(tag(updated.list[0])).toBe('Double');

    const insert = (await stream.next()) as Document;
    expect(tag(insert.fullDocument.price)).toBe('Double');
    const update = (await stream.next()) as Document;
    expect(tag(update.updateDescription.updatedFields.price)).toBe('Double');
    expect(tag(update.fullDocument.price)).toBe('Double');
    await stream.close();
  });
});
