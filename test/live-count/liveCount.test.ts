import { createLiveClient, type LiveClient, LiveError } from '@mongo-live/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from '../support/liveServer.js';
import { recordCounts, untilCount } from './helpers.js';

let server: LiveServer;
let live: LiveClient;
beforeAll(async () => {
  server = await startLiveServer({
    limits: { maxCountedDocuments: 5 },
    // Users see their own orders, and never the `secret` field.
    authorize: (req, socket) =>
      req.collection === 'restricted'
        ? { filter: { owner: socket.handshake.auth.user }, projection: { secret: 0 } }
        : true,
  });
  live = createLiveClient({ url: server.url, auth: { user: 'u1' } });
});
afterAll(async () => {
  await live?.close();
  await server?.close();
});

const collection = (name: string) => live.db(server.mongo.dbName).collection(name);
const raw = (name: string) => server.mongo.db.collection<{ _id?: number; [field: string]: unknown }>(name);

describe('liveCount', () => {
  it('counts the matching documents and follows inserts, updates (in and out) and deletes', async () => {
    await raw('basic').insertMany([
      { _id: 1, status: 'open' },
      { _id: 2, status: 'open' },
      { _id: 3, status: 'done' },
    ]);
    const open = collection('basic').liveCount({ status: 'open' });
    expect(await open.ready()).toBe(2);
    expect(open.getSnapshot()).toEqual({ count: 2, status: 'live' });
    await raw('basic').insertOne({ _id: 4, status: 'open' });
    await untilCount(open, (s) => s.count === 3);
    await raw('basic').updateOne({ _id: 1 }, { $set: { status: 'done' } });
    await untilCount(open, (s) => s.count === 2);
    await raw('basic').updateOne({ _id: 3 }, { $set: { status: 'open' } });
    await untilCount(open, (s) => s.count === 3);
    // A write that changes nothing the count depends on is not an update.
    const before = open.getSnapshot();
    await raw('basic').updateOne({ _id: 3 }, { $set: { note: 'x' } });
    await raw('basic').deleteOne({ _id: 2 });
    await untilCount(open, (s) => s.count === 2);
    expect(open.getSnapshot()).not.toBe(before);
    // Deleting a document that was not counted changes nothing.
    await raw('basic').deleteOne({ _id: 1 });
    await raw('basic').insertOne({ _id: 5, status: 'open' });
    await untilCount(open, (s) => s.count === 3);
    expect(await raw('basic').countDocuments({ status: 'open' })).toBe(3);
    open.close();
    expect(open.getSnapshot().status).toBe('closed');
    await expect(open.ready()).resolves.toBe(2);
  });

  it('shares one live count among subscribers of the same filter', async () => {
    const a = collection('shared').liveCount({ k: 1 });
    const b = collection('shared').liveCount({ k: 1 });
    await Promise.all([a.ready(), b.ready()]);
    const liveQueries = server.bridge.stats().liveQueries;
    const c = collection('shared').liveCount({ k: 2 });
    await c.ready();
    expect(server.bridge.stats().liveQueries).toBe(liveQueries + 1);
    await raw('shared').insertOne({ k: 1 });
    await Promise.all([untilCount(a, (s) => s.count === 1), untilCount(b, (s) => s.count === 1)]);
    expect(c.getSnapshot().count).toBe(0);
    for (const x of [a, b, c]) x.close();
  });

  it("ANDs the caller's row filter in, and refuses a count on a hidden field", async () => {
    await raw('restricted').insertMany([
      { owner: 'u1', status: 'open', secret: 1 },
      { owner: 'u2', status: 'open', secret: 1 },
      { owner: 'u1', status: 'done', secret: 2 },
    ]);
    const all = collection('restricted').liveCount();
    const open = collection('restricted').liveCount({ status: 'open' });
    expect(await all.ready()).toBe(2);
    expect(await open.ready()).toBe(1);
    await raw('restricted').insertOne({ owner: 'u2', status: 'open' });
    await raw('restricted').insertOne({ owner: 'u1', status: 'open' });
    await untilCount(open, (s) => s.count === 2);
    expect(all.getSnapshot().count).toBe(3);
    const hidden = collection('restricted').liveCount({ secret: 1 });
    const error = await hidden.ready().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiveError);
    expect((error as LiveError).code).toBe('UNAUTHORIZED');
    expect(hidden.getSnapshot().status).toBe('error');
    all.close();
    open.close();
  });

  it('refuses a count over more than maxCountedDocuments, and ends one that grows past it', async () => {
    await raw('big').insertMany(Array.from({ length: 6 }, (_, i) => ({ i })));
    const tooBig = collection('big').liveCount();
    await expect(tooBig.ready()).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    const small = collection('big').liveCount({ i: { $lt: 5 } });
    expect(await small.ready()).toBe(5);
    const other = collection('big').liveCount({ i: 0 });
    await other.ready();
    await raw('big').insertOne({ i: -1 });
    await untilCount(small, (s) => s.status === 'error');
    expect(small.getSnapshot().error?.code).toBe('LIMIT_EXCEEDED');
    // The collection's other views go on.
    await raw('big').insertOne({ i: 0 });
    await untilCount(other, (s) => s.count === 2);
    other.close();
  });

  it('rejects malformed count requests (INVALID_REQUEST) and forbidden operators (UNAUTHORIZED)', async () => {
    const bad = live.db(server.mongo.dbName).collection('x');
    await expect(
      live.transport.request('count', { subId: 'bad-1', db: server.mongo.dbName, collection: 'x', sort: [] } as never),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    const weird = bad.liveCount({ $where: 'true' } as never);
    await expect(weird.ready()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const huge = bad.liveCount({ a: 'x'.repeat(100_000) });
    await expect(huge.ready()).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });

  it('never goes negative nor doubles across reconnects', async () => {
    const coll = raw('reconnect');
    await coll.insertMany(Array.from({ length: 3 }, (_, i) => ({ _id: i, on: true })));
    const count = collection('reconnect').liveCount({ on: true });
    await count.ready();
    const seen = recordCounts(count);
    for (let round = 0; round < 4; round++) {
      server.dropConnections();
      // Writes while the client is away: toggles that keep the truth between 0 and 5.
      for (let i = 0; i < 5; i++)
        await coll.updateOne({ _id: i }, { $set: { on: (i + round) % 2 === 0 } }, { upsert: true });
      const truth = await coll.countDocuments({ on: true });
      await untilCount(count, (s) => s.status === 'live' && s.count === truth);
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const n of seen) {
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThanOrEqual(5);
    }
    count.close();
  });
});
