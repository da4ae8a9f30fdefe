import { createLiveClient, type LiveClient } from '@mongo-live/client';
import type { LiveQueryUpdate } from '@mongo-live/protocol';
import { Decimal128, Long, ObjectId } from 'bson';
import type { Collection } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from '../support/liveServer.js';
import { canon, freshFind, type TestQuery, until } from './helpers.js';

/** Test documents use numeric ids. */
type Row = { _id: number; [key: string]: unknown };

let server: LiveServer;
const clients: LiveClient[] = [];
const connect = () => {
  const live = createLiveClient({ url: server.url });
  clients.push(live);
  return live;
};

beforeAll(async () => {
  server = await startLiveServer({
    authorize: (req, socket) => {
      const user = (socket.handshake?.auth as { user?: string } | undefined)?.user;
      if (req.collection === 'private') return user ? { filter: { owner: user }, projection: { secret: 0 } } : false;
      return true;
    },
  });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
});

/** Opens a live query, then after each write waits until it equals a fresh find again. */
async function converges(live: LiveClient, coll: Collection<Row>, q: TestQuery, writes: Array<() => Promise<unknown>>) {
  const query = live.db(server.mongo.dbName).collection(coll.collectionName).liveQuery(q.filter, q);
  const first = await query.ready();
  expect(canon(first)).toBe(canon(await freshFind(coll, q)));
  for (const write of writes) {
    await write();
    const expected = canon(await freshFind(coll, q));
    await until(query, (s) => canon(s.docs) === expected);
  }
  expect(query.getSnapshot().status).toBe('live');
  return query;
}

describe('live queries through the bridge', () => {
  it('keeps a sorted, limited window equal to a fresh find (inserts, moves, leaves, refills)', async () => {
    const coll = server.mongo.db.collection<Row>('products');
    await coll.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: i, cat: i % 2 ? 'odd' : 'even', price: i })));
    const live = connect();
    const q: TestQuery = { filter: { cat: 'even' }, sort: [['price', -1]], limit: 3 };
    const query = await converges(live, coll, q, [
      () => coll.insertOne({ _id: 100, cat: 'even', price: 5 }),
      () => coll.updateOne({ _id: 8 }, { $set: { price: -1 } }), // top member falls to the end: refill
      () => coll.updateOne({ _id: 3 }, { $set: { cat: 'even' } }), // matches, but ranks after the window
      () => coll.deleteOne({ _id: 6 }), // a member leaves: refill brings 3 in
      () => coll.updateOne({ _id: 4 }, { $set: { cat: 'odd' } }),
    ]);
    query.close();
  });

  it('applies skip windows and projections, and shares one live query among clients', async () => {
    const coll = server.mongo.db.collection<Row>('skips');
    await coll.insertMany(Array.from({ length: 12 }, (_, i) => ({ _id: i, n: i % 5, tag: `t${i}` })));
    const q: TestQuery = { filter: {}, sort: [['n', 1]], skip: 2, limit: 4, projection: { n: 1 } };
    const a = connect();
    const b = connect();
    const qa = await converges(a, coll, q, []);
    const before = server.bridge.stats().liveQueries;
    const qb = await converges(b, coll, q, [
      () => coll.deleteOne({ _id: 0 }), // leaves the skipped prefix: the window shifts
      () => coll.insertOne({ _id: 50, n: -1, tag: 'x' }), // enters the prefix: shifts the other way
      () => coll.updateOne({ _id: 4 }, { $set: { n: 0 } }), // moves from the window into the prefix
      () => coll.updateOne({ _id: 5 }, { $set: { n: 9 } }), // moves out of the prefix
    ]);
    expect(server.bridge.stats().liveQueries).toBe(before);
    const expected = canon(await freshFind(coll, q));
    await until(qa, (s) => canon(s.docs) === expected);
    expect(qa.getSnapshot().docs.every((d) => !('tag' in d))).toBe(true);
    qa.close();
    qb.close();
  });

  it('never sends a document or field the authorization excludes, even when it leaves', async () => {
    const coll = server.mongo.db.collection<Row>('private');
    await coll.insertMany([
      { _id: 1, owner: 'u1', n: 1, secret: 's1' },
      { _id: 2, owner: 'u2', n: 2, secret: 's2' },
    ]);
    const live = createLiveClient({ url: server.url, auth: { user: 'u1' } });
    clients.push(live);
    const seen: LiveQueryUpdate[] = [];
    live.transport.on('query:update', (u) => seen.push(u));
    const query = live
      .db(server.mongo.dbName)
      .collection('private')
      .liveQuery({}, { sort: { n: 1 } });
    expect(await query.ready()).toEqual([{ _id: 1, owner: 'u1', n: 1 }]);
    await coll.insertOne({ _id: 3, owner: 'u2', n: 0, secret: 's3' });
    await coll.updateOne({ _id: 1 }, { $set: { secret: 'changed', n: 5 } });
    await coll.insertOne({ _id: 4, owner: 'u1', n: 3, secret: 's4' });
    await coll.updateOne({ _id: 4 }, { $set: { owner: 'u2' } }); // leaves: only its index is sent
    await until(query, (s) => s.docs.length === 1 && s.docs[0]?.n === 5);
    const wire = JSON.stringify(seen);
    expect(wire).not.toContain('secret');
    expect(wire).not.toContain('u2');
    expect(wire).not.toMatch(/"s[0-9]"/);
    query.close();
  });

  it('reconnects: keeps the documents while reconnecting, then catches up', async () => {
    const coll = server.mongo.db.collection<Row>('reconnect');
    await coll.insertMany([
      { _id: 1, n: 1 },
      { _id: 2, n: 2 },
    ]);
    const live = connect();
    const q: TestQuery = { filter: {}, sort: [['n', 1]] };
    const query = live.db(server.mongo.dbName).collection('reconnect').liveQuery(q.filter, q);
    const first = await query.ready();
    const kept = first[0];
    const statuses: string[] = [];
    query.subscribe(() => statuses.push(query.getSnapshot().status));
    server.dropConnections();
    await until(query, (s) => s.status === 'reconnecting');
    expect(query.getSnapshot().docs).toBe(first); // old documents stay visible
    await coll.insertOne({ _id: 3, n: 0 });
    await coll.updateOne({ _id: 2 }, { $set: { n: 9 } });
    const expected = canon(await freshFind(coll, q));
    await until(query, (s) => s.status === 'live' && canon(s.docs) === expected);
    expect(query.getSnapshot().docs[1]).toBe(kept); // unchanged document kept its identity
    expect(statuses).toContain('reconnecting');
    query.close();
  });

  it('recovers from a dropped collection with a fresh snapshot, then stays live', async () => {
    const coll = server.mongo.db.collection<Row>('dropped');
    await coll.insertMany([
      { _id: 1, n: 1 },
      { _id: 2, n: 2 },
    ]);
    const live = connect();
    const q: TestQuery = { filter: {}, sort: [['n', 1]] };
    const query = await converges(live, coll, q, [
      () => coll.drop(),
      () => coll.insertOne({ _id: 3, n: 3 }),
      () => coll.insertOne({ _id: 4, n: 0 }),
    ]);
    expect(query.getSnapshot().docs.map((d) => d._id)).toEqual([4, 3]);
    query.close();
  });

  it('handles ObjectId ids and BSON values: sorts Decimal128 and Long by value, matches Dates', async () => {
    const coll = server.mongo.db.collection('bson');
    const day = (d: number) => new Date(Date.UTC(2026, 0, d));
    await coll.insertMany([
      { price: Decimal128.fromString('10.50'), hits: Long.fromNumber(3), at: day(1) },
      { price: Decimal128.fromString('9.99'), hits: Long.fromNumber(7), at: day(2) },
      { price: Decimal128.fromString('100'), hits: Long.fromNumber(1), at: day(3) },
    ]);
    const live = connect();
    const q: TestQuery = { filter: { at: { $gte: day(2) } }, sort: [['price', -1]] };
    const query = live.db(server.mongo.dbName).collection('bson').liveQuery(q.filter, q);
    expect(canon(await query.ready())).toBe(canon(await freshFind(coll, q)));
    const steps = [
      () => coll.insertOne({ price: Decimal128.fromString('50.25'), hits: Long.fromNumber(2), at: day(5) }),
      () => coll.updateOne({ hits: Long.fromNumber(3) }, { $set: { at: day(9) } }), // enters by date
      () => coll.updateOne({ hits: Long.fromNumber(7) }, { $set: { price: Decimal128.fromString('1000') } }),
    ];
    for (const step of steps) {
      await step();
      const expected = canon(await freshFind(coll, q));
      await until(query, (s) => canon(s.docs) === expected);
    }
    expect(query.getSnapshot().docs.map((d) => String(d.price))).toEqual(['1000', '100', '50.25', '10.50']);
    const first = query.getSnapshot().docs[0];
    expect(first?._id).toBeInstanceOf(ObjectId);
    // Equality on an ObjectId: matched and dispatched by value, whatever bson copy made it.
    const byId = live.db(server.mongo.dbName).collection('bson').liveQuery({ _id: first?._id });
    expect((await byId.ready()).map((d) => String(d.price))).toEqual(['1000']);
    await coll.updateOne({ _id: first?._id }, { $set: { price: Decimal128.fromString('1') } });
    await until(byId, (s) => String(s.docs[0]?.price) === '1');
    byId.close();
    query.close();
  });

  it('find() returns what the live query shows', async () => {
    const coll = server.mongo.db.collection<Row>('products');
    const live = connect();
    const c = live.db(server.mongo.dbName).collection('products');
    const q: TestQuery = { filter: { cat: 'odd' }, sort: [['price', 1]], limit: 2, skip: 1 };
    expect(canon(await c.find(q.filter, q))).toBe(canon(await freshFind(coll, q)));
  });
});
