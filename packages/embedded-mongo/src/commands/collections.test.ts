import { Binary, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useDriverFixture } from '../testing/driverFixture.js';

const fx = useDriverFixture('coll');

describe('collections and databases', () => {
  it('creates collections explicitly (NamespaceExists on repeat) and implicitly on first write', async () => {
    const db = fx.freshDb();
    await db.createCollection('explicit', { changeStreamPreAndPostImages: { enabled: true } });
    const again = await db.command({ create: 'explicit' }).catch((e) => e);
    expect(again.code).toBe(48);
    expect(again.codeName).toBe('NamespaceExists');
    await db.collection('implicit').insertOne({ a: 1 });
    const listed: Document[] = await db.listCollections().toArray();
    expect(listed.map((c) => c.name).sort()).toEqual(['explicit', 'implicit']);
    const explicit = listed.find((c) => c.name === 'explicit');
    expect(explicit).toMatchObject({
      type: 'collection',
      options: { changeStreamPreAndPostImages: { enabled: true } },
      info: { readOnly: false },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    });
    expect(explicit?.info?.uuid).toBeInstanceOf(Binary);
    expect((explicit?.info?.uuid as Binary | undefined)?.sub_type).toBe(4);
    const filtered = await db.listCollections({ name: 'implicit' }, { nameOnly: true }).toArray();
    expect(filtered).toEqual([{ name: 'implicit', type: 'collection' }]);
  });

  it('drops collections (a missing one is fine) and databases', async () => {
    const db = fx.freshDb();
    await db.collection('a').insertOne({});
    await db.collection('b').insertOne({});
    expect(await db.collection('a').drop()).toBe(true);
    expect(await db.collection('never').drop()).toBe(true);
    expect((await db.listCollections().toArray()).map((c) => c.name)).toEqual(['b']);
    const names = async () =>
      (await fx.client.db('admin').admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);
    expect(await names()).toContain(db.databaseName);
    expect(await db.dropDatabase()).toBe(true);
    expect(await names()).not.toContain(db.databaseName);
  });

  it('reports dbStats', async () => {
    const db = fx.freshDb();
    await db.collection('x').insertMany([{ a: 1 }, { a: 2 }]);
    const stats = await db.stats();
    expect(stats).toMatchObject({ db: db.databaseName, collections: 1, objects: 2, indexes: 1 });
    expect(stats.dataSize).toBeGreaterThan(0);
  });

  it('lists databases with sizes', async () => {
    const db = fx.freshDb();
    await db.collection('x').insertOne({ a: 1 });
    const { databases } = await fx.client.db('admin').admin().listDatabases();
    const mine = databases.find((d) => d.name === db.databaseName);
    expect(mine?.empty).toBe(false);
    expect(mine?.sizeOnDisk).toBeGreaterThan(0);
  });

  it('renames collections, with dropTarget', async () => {
    const db = fx.freshDb();
    await db.collection('from').insertOne({ v: 1 });
    await db.collection('target').insertOne({ v: 2 });
    const exists = await db.renameCollection('from', 'target').catch((e) => e);
    expect(exists.code).toBe(48);
    await db.renameCollection('from', 'target', { dropTarget: true });
    expect(
      await db
        .collection('target')
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ v: 1 }]);
    const missing = await db.renameCollection('from', 'elsewhere').catch((e) => e);
    expect(missing.code).toBe(26);
  });

  it('modifies collection options with collMod', async () => {
    const db = fx.freshDb();
    await db.createCollection('mod');
    await db.command({ collMod: 'mod', changeStreamPreAndPostImages: { enabled: true } });
    const [info]: Document[] = await db.listCollections({ name: 'mod' }).toArray();
    expect(info?.options).toEqual({ changeStreamPreAndPostImages: { enabled: true } });
    const missing = await db
      .command({ collMod: 'nope', changeStreamPreAndPostImages: { enabled: true } })
      .catch((e) => e);
    expect(missing.code).toBe(26);
  });

  it('writes aggregation results with $out and $merge', async () => {
    const db = fx.freshDb();
    await db.collection('src').insertMany([
      { _id: 1, k: 'a' },
      { _id: 2, k: 'b' },
    ] as never[]);
    await db
      .collection('src')
      .aggregate([{ $match: { k: 'a' } }, { $out: 'out' }])
      .toArray();
    expect(await db.collection('out').find().toArray()).toEqual([{ _id: 1, k: 'a' }]);
    await db
      .collection('src')
      .aggregate([{ $merge: { into: 'out', whenMatched: 'merge', whenNotMatched: 'insert' } }])
      .toArray();
    expect(await db.collection('out').countDocuments()).toBe(2);
  });
});
