import { createLiveClient, type LiveClient } from '@mongo-live/client';
import type { ClientSession, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canon, freshFind, type TestQuery, until } from '../live-query/helpers.js';
import { type LiveServer, startLiveServer } from '../support/liveServer.js';

// A multi-document transaction's change events (same clusterTime, lsid and txnNumber) reach live
// queries, counts and pages as ONE update: a client never sees half of a transaction. Watch
// streams still deliver each event, as MongoDB does. Transactions are written with the real
// driver (session.withTransaction) on the embedded server or MONGODB_URI.

type Item = { _id: string; owner: string; qty: number };

let server: LiveServer;
const clients: LiveClient[] = [];
const connect = (user: string) => {
  const live = createLiveClient({ url: server.url, auth: { user } });
  clients.push(live);
  return live;
};

beforeAll(async () => {
  server = await startLiveServer({
    authorize: (_req, socket) => {
      const user = (socket.handshake?.auth as { user?: string } | undefined)?.user;
      if (user === 'admin') return true;
      return user ? { filter: { owner: user } } : false;
    },
  });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
});

/** Runs `work` in one committed transaction. */
async function transaction(work: (session: ClientSession) => Promise<unknown>): Promise<void> {
  const session = server.mongo.client.startSession();
  try {
    await session.withTransaction(work);
  } finally {
    await session.endSession();
  }
}

/** Every state a subscribable went through, from now on (its current one first). */
function history<S>(source: { getSnapshot(): S; subscribe(listener: () => void): () => void }): S[] {
  const states = [source.getSnapshot()];
  source.subscribe(() => states.push(source.getSnapshot()));
  return states;
}

/** The successive values of `states` (a status change alone, e.g. a heartbeat's 'stale', is not a new value). */
function values<S, V>(states: S[], of: (state: S) => V): V[] {
  const out: V[] = [];
  let last: string | undefined;
  for (const state of states) {
    const value = of(state);
    const text = canon([value]);
    if (text !== last) out.push(value);
    last = text;
  }
  return out;
}

const total = (docs: readonly Document[]) => docs.reduce((sum, d) => sum + (d.qty as number), 0);

describe('transactions through the bridge', () => {
  it('live queries, counts and pages never show half of a transaction; watch() gets every event', async () => {
    const coll = server.mongo.db.collection<Item>('stock');
    await coll.insertMany([
      { _id: 'a', owner: 'ann', qty: 10 },
      { _id: 'b', owner: 'bob', qty: 1 },
      { _id: 'c', owner: 'ann', qty: 5 },
    ]);
    const db = server.mongo.dbName;
    const admin = connect('admin').db(db).collection<Item>('stock');
    const all: TestQuery = { filter: {}, sort: [['_id', 1]] };
    const top: TestQuery = { filter: {}, sort: [['qty', -1]], limit: 1 };
    const firstPage: TestQuery = { filter: {}, sort: [['_id', 1]], limit: 2 };
    const query = admin.liveQuery(all.filter, all);
    const topQuery = admin.liveQuery(top.filter, top);
    const count = admin.liveCount({ qty: { $gt: 0 } });
    const pages = admin.livePages({}, { sort: { _id: 1 }, pageSize: 2 });
    const events: Document[] = [];
    const stream = admin.watch();
    stream.on('change', (e) => events.push(e as Document));
    await Promise.all([query.ready(), topQuery.ready(), count.ready(), pages.ready(), stream.ready()]);
    const queryStates = history(query);
    const topStates = history(topQuery);
    const countStates = history(count);
    const pageStates = history(pages);
    // What a find() returns between transactions: the only states a live view may show.
    const committed = { all: new Set<string>(), top: new Set<string>(), page: new Set<string>() };
    const checkpoint = async () => {
      committed.all.add(canon(await freshFind(coll, all)));
      committed.top.add(canon(await freshFind(coll, top)));
      committed.page.add(canon(await freshFind(coll, firstPage)));
    };
    await checkpoint();

    // Moves of stock between a and b, then a swap of c for d (one document with qty > 0 out, one
    // in), then a move that takes a from the top of the limit-1 window to its end (a re-read of
    // the window inside the transaction's step).
    const moves = 12;
    for (let i = 0; i < moves; i++) {
      const [from, to] = i % 3 === 2 ? ['b', 'a'] : ['a', 'b'];
      await transaction(async (session) => {
        await coll.updateOne({ _id: from }, { $inc: { qty: -1 } }, { session });
        await coll.updateOne({ _id: to }, { $inc: { qty: 1 } }, { session });
      });
      await checkpoint();
    }
    await transaction(async (session) => {
      await coll.deleteOne({ _id: 'c' }, { session });
      await coll.insertOne({ _id: 'd', owner: 'ann', qty: 5 }, { session });
    });
    await checkpoint();
    await transaction(async (session) => {
      await coll.updateOne({ _id: 'a' }, { $set: { qty: 0 } }, { session });
      await coll.updateOne({ _id: 'b' }, { $inc: { qty: 6 } }, { session });
    });
    await checkpoint();
    const finalAll = canon(await freshFind(coll, all));
    const finalTop = canon(await freshFind(coll, top));
    const finalPage = canon(await freshFind(coll, firstPage));
    await until(query, (s) => canon(s.docs) === finalAll);
    await until(topQuery, (s) => canon(s.docs) === finalTop);
    await waitUntil(() => canon(pages.getSnapshot().pages.flat()) === finalPage);
    await waitUntil(() => count.getSnapshot().count === 2);
    await waitUntil(() => events.length === moves * 2 + 4);

    // Every state any subscriber saw is one between transactions.
    for (const s of queryStates) expect(committed.all).toContain(canon(s.docs));
    for (const s of topStates) expect(committed.top).toContain(canon(s.docs));
    for (const s of pageStates) expect(committed.page).toContain(canon(s.pages.flat()));
    expect(values(countStates, (s) => s.count)).toEqual([3, 2]);
    for (const s of queryStates) expect(total(s.docs)).toBe(16);
    // And they did move with each transaction: one update per transaction.
    expect(values(queryStates, (s) => s.docs).length - 1).toBe(moves + 2);

    // watch() keeps MongoDB's semantics: one event per write, each with its transaction's identity.
    expect(events.map((e) => e.operationType)).toEqual([
      ...Array.from({ length: moves }, () => ['update', 'update']).flat(),
      'delete',
      'insert',
      'update',
      'update',
    ]);
    for (let i = 0; i < events.length; i += 2) {
      const [first, second] = [events[i]!, events[i + 1]!];
      expect(first.txnNumber).toBeDefined();
      expect(String(first.txnNumber)).toBe(String(second.txnNumber));
      expect(String(first.clusterTime)).toBe(String(second.clusterTime));
    }
  });

  it('a restricted user sees only its part of a transaction, and nothing of who wrote it', async () => {
    const coll = server.mongo.db.collection<Item>('shared');
    await coll.insertMany([
      { _id: 'a1', owner: 'ann', qty: 10 },
      { _id: 'a2', owner: 'ann', qty: 0 },
      { _id: 'b1', owner: 'bob', qty: 7 },
    ]);
    const db = server.mongo.dbName;
    const ann = connect('ann').db(db).collection<Item>('shared');
    const mine: TestQuery = { filter: {}, sort: [['_id', 1]] };
    const query = ann.liveQuery(mine.filter, mine);
    const count = ann.liveCount({ qty: { $gt: 0 } });
    const events: Document[] = [];
    const stream = ann.watch();
    stream.on('change', (e) => events.push(e as Document));
    await Promise.all([query.ready(), count.ready(), stream.ready()]);
    const queryStates = history(query);
    const countStates = history(count);

    // Each transaction moves stock within ann's documents and touches bob's.
    for (let i = 0; i < 5; i++)
      await transaction(async (session) => {
        await coll.updateOne({ _id: 'a1' }, { $inc: { qty: -2 } }, { session });
        await coll.updateOne({ _id: 'b1' }, { $inc: { qty: 1 } }, { session });
        await coll.updateOne({ _id: 'a2' }, { $inc: { qty: 2 } }, { session });
      });
    const finalMine = canon(await freshFind(coll, { ...mine, filter: { owner: 'ann' } }));
    await until(query, (s) => canon(s.docs) === finalMine);
    await waitUntil(() => events.length === 10);

    for (const s of queryStates) {
      expect(s.docs.every((d) => d.owner === 'ann')).toBe(true);
      expect(total(s.docs)).toBe(10);
    }
    expect(values(queryStates, (s) => s.docs).length - 1).toBe(5);
    // a1 reaches 0 in the last transaction while a2 is already above it: ann's count goes 2 → 1 once.
    expect(values(countStates, (s) => s.count)).toEqual([1, 2, 1]);
    expect(events.every((e) => (e.documentKey as { _id: string })._id !== 'b1')).toBe(true);
    for (const e of events) {
      expect(e).not.toHaveProperty('lsid');
      expect(e).not.toHaveProperty('txnNumber');
    }
  });
});

describe('transactions when the feed hands on one event per batch', () => {
  let small: LiveServer;
  beforeAll(async () => {
    small = await startLiveServer({ mongo: server.mongo, limits: { batchSize: 1 } });
  });
  afterAll(() => small?.close());

  it('a transaction is never split between two batches of the feed', async () => {
    const coll = server.mongo.db.collection<Item>('small');
    await coll.insertMany([
      { _id: 'a', owner: 'ann', qty: 3 },
      { _id: 'b', owner: 'bob', qty: 3 },
    ]);
    const live = createLiveClient({ url: small.url });
    clients.push(live);
    const all: TestQuery = { filter: {}, sort: [['_id', 1]] };
    const query = live.db(server.mongo.dbName).collection<Item>('small').liveQuery(all.filter, all);
    await query.ready();
    const states = history(query);
    for (let i = 0; i < 5; i++)
      await transaction(async (session) => {
        await coll.updateOne({ _id: 'a' }, { $inc: { qty: -1 } }, { session });
        await coll.updateOne({ _id: 'b' }, { $inc: { qty: 1 } }, { session });
      });
    const final = canon(await freshFind(coll, all));
    await until(query, (s) => canon(s.docs) === final);
    for (const s of states) expect(total(s.docs)).toBe(6);
    expect(values(states, (s) => s.docs).length - 1).toBe(5);
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}
