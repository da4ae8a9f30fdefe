import { decode, type LiveQueryUpdate } from '@mongo-live/protocol';
import type { AccessRequest, Authorize } from '@mongo-live/server-bridge';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, request, startHarness, type TestSocket, until } from './harness.js';

let h: Harness;
let db: string;
const seen: AccessRequest[] = [];
const authorize: Authorize = (req, socket) => {
  seen.push(req);
  const user = socket.data.user as string | undefined;
  if (req.db !== db || !user) return false;
  if (req.collection === 'secrets') return false;
  if (req.collection === 'orders') return { filter: { owner: user }, projection: { owner: 1, item: 1, price: 1 } };
  return true;
};

beforeAll(async () => {
  h = await startHarness({ authorize });
  db = h.mongo.dbName;
  await h.mongo.db.collection('products').insertMany([
    { _id: 1, category: 'books', name: 'A', price: 30 },
    { _id: 2, category: 'books', name: 'B', price: 10 },
    { _id: 3, category: 'games', name: 'C', price: 5 },
    { _id: 4, category: 'books', name: 'D', price: 20 },
  ] as Document[]);
  await h.mongo.db.collection('orders').insertMany([
    { _id: 1, owner: 'ann', item: 'pen', price: 2, cost: 1, card: '4111' },
    { _id: 2, owner: 'bob', item: 'ink', price: 3, cost: 2, card: '5500' },
    { _id: 3, owner: 'ann', item: 'pad', price: 4, cost: 3, card: '4111' },
  ] as Document[]);
});
afterAll(() => h?.close());

const as = (user: string) => h.connect({ auth: { user } });

function updates(socket: TestSocket): LiveQueryUpdate[] {
  const list: LiveQueryUpdate[] = [];
  socket.on('query:update', (u) => list.push(u));
  return list;
}

describe('live queries through the bridge', () => {
  it('acks with the snapshot, sends updates to the room, shares one live query, releases it', async () => {
    const a = await as('ann');
    const b = await as('ann');
    const updA = updates(a);
    const spec = {
      v: 1 as const,
      db,
      collection: 'products',
      filter: { category: 'books' },
      sort: [['price', 1]] as Array<[string, 1 | -1]>,
      limit: 2,
    };
    const ackA = await request(a, 'query', { ...spec, subId: 'q' });
    const ackB = await request(b, 'query', { ...spec, subId: 'q' });
    expect(ackA.ok && ackB.ok).toBe(true);
    if (!ackA.ok || !ackB.ok) return;
    expect(ackA.data.subId).toBe('q');
    expect(ackA.data.queryId).toBe(ackB.data.queryId);
    expect(decode<Document[]>(ackA.data.docs).map((d) => d.name)).toEqual(['B', 'D']);
    expect(typeof ackA.data.version).toBe('number');
    expect(h.bridge.stats()).toMatchObject({ liveQueries: 1, subscriptions: 2 });
    expect(seen.at(-1)).toMatchObject({ kind: 'query', db, collection: 'products', filter: { category: 'books' } });

    await h.mongo.db.collection('products').insertOne({ _id: 5, category: 'books', name: 'E', price: 1 } as Document);
    await until('an update', () => updA.length >= 1);
    expect(updA[0]!.queryId).toBe(ackA.data.queryId);
    expect(updA[0]!.version).toBeGreaterThan(ackA.data.version);

    expect((await request(a, 'unsubscribe', { v: 1, subId: 'q' })).ok).toBe(true);
    expect(h.bridge.stats().liveQueries).toBe(1);
    b.disconnect();
    await until('live query released', () => h.bridge.stats().liveQueries === 0);
    a.disconnect();
  });

  it('ANDs the row filter and intersects projections; a client cannot widen either', async () => {
    const ann = await as('ann');
    const widened = await request(ann, 'query', {
      v: 1,
      subId: 'o',
      db,
      collection: 'orders',
      filter: { $or: [{ owner: 'bob' }, { owner: 'ann' }] },
      projection: { item: 1, card: 1, cost: 1 },
      sort: [['_id', 1]],
    });
    expect(widened.ok).toBe(true);
    if (!widened.ok) return;
    const docs = decode<Document[]>(widened.data.docs);
    expect(docs).toEqual([
      { _id: 1, item: 'pen' },
      { _id: 3, item: 'pad' },
    ]);
    const found = await request(ann, 'find', { v: 1, db, collection: 'orders', sort: [['_id', -1]] });
    expect(found.ok && decode<Document[]>(found.data.docs)).toEqual([
      { _id: 3, owner: 'ann', item: 'pad', price: 4 },
      { _id: 1, owner: 'ann', item: 'pen', price: 2 },
    ]);
    ann.disconnect();
  });

  it('refuses filtering or sorting on hidden fields, denied collections, and bad specs', async () => {
    const ann = await as('ann');
    const hiddenFilter = await request(ann, 'find', { v: 1, db, collection: 'orders', filter: { card: '5500' } });
    expect(hiddenFilter).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const hiddenSort = await request(ann, 'query', { v: 1, subId: 'x', db, collection: 'orders', sort: [['cost', 1]] });
    expect(hiddenSort).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const denied = await request(ann, 'query', { v: 1, subId: 'x', db, collection: 'secrets' });
    expect(denied).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const code = await request(ann, 'find', { v: 1, db, collection: 'products', filter: { $where: 'true' } });
    expect(code).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const badSort = await request(ann, 'find', { v: 1, db, collection: 'products', sort: { price: 1 } } as never);
    expect(badSort).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(h.bridge.stats().subscriptions).toBe(0);
    ann.disconnect();
  });
});
