import { allowAll } from '@mongo-live/server-bridge';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Recorder, request, settle, startHarness, type TestSocket, until, watch } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ authorize: allowAll });
});
afterAll(() => h?.close());

describe('sharing one MongoDB change stream', () => {
  it('N identical subscriptions from many sockets share one stream; each gets every event exactly once', async () => {
    const target = { db: h.mongo.dbName, collection: 'shared' };
    const pipeline = [{ $match: { operationType: { $in: ['insert', 'update'] } } }];
    const aggregatesBefore = h.changeStreamAggregates();
    const sockets: TestSocket[] = [];
    const recorders: Recorder[] = [];
    const subs: Array<{ streamId: string }> = [];
    for (let i = 0; i < 20; i++) {
      const socket = await h.connect();
      sockets.push(socket);
      recorders.push(new Recorder(socket));
      subs.push(await watch(socket, `s${i}`, target, { pipeline }));
    }
    // A second identical subscription on the same socket joins the same stream too.
    subs.push(await watch(sockets[0]!, 'twice', target, { pipeline }));
    expect(new Set(subs.map((s) => s.streamId)).size).toBe(1);
    expect(h.bridge.stats()).toMatchObject({ mongoStreams: 1, subscriptions: 21 });
    expect(h.changeStreamAggregates() - aggregatesBefore).toBe(1);

    await h.mongo.db.collection('shared').insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: i }) as Document));
    for (const rec of recorders) await until('30 events', () => rec.events(subs[0]!.streamId).length >= 30);
    for (const rec of recorders)
      expect(rec.events(subs[0]!.streamId).map((e) => e.documentKey._id)).toEqual(
        Array.from({ length: 30 }, (_, i) => i),
      );
    expect(h.changeStreamAggregates() - aggregatesBefore).toBe(1);

    // Leaving: unsubscribe some, disconnect the others; the stream closes with the last one.
    for (let i = 0; i < 10; i++)
      expect((await request(sockets[i]!, 'unsubscribe', { v: 1, subId: `s${i}` })).ok).toBe(true);
    expect(h.bridge.stats().mongoStreams).toBe(1);
    // Socket 0 still holds 'twice' in the same stream: it keeps receiving; socket 1 left it.
    const streamId = subs[0]!.streamId;
    const seen = (i: number) => recorders[i]!.events(streamId).length;
    await h.mongo.db.collection('shared').insertOne({ _id: 'kept' } as Document);
    await until('socket 0 still receives', () => seen(0) === 31 && seen(19) === 31);
    await request(sockets[0]!, 'unsubscribe', { v: 1, subId: 'twice' });
    await h.mongo.db.collection('shared').insertOne({ _id: 'gone' } as Document);
    await until('socket 19 receives', () => seen(19) === 32);
    await settle();
    expect([seen(0), seen(1)]).toEqual([31, 30]);
    for (let i = 10; i < 19; i++) sockets[i]!.disconnect();
    await until('nine sockets gone', () => h.bridge.stats().subscriptions === 1);
    expect(h.bridge.stats().mongoStreams).toBe(1);
    sockets[19]!.disconnect();
    await until('stream closed after its last subscriber left', () => h.bridge.stats().mongoStreams === 0);
    await until('the driver killed the cursor', () => h.commands.some((c) => c.commandName === 'killCursors'));
  });

  it('a subscriber that joins a running stream gets everything after the ack token, and nothing before', async () => {
    const target = { db: h.mongo.dbName, collection: 'join' };
    const a = await h.connect();
    const recA = new Recorder(a);
    const subA = await watch(a, 'a', target);
    const c = h.mongo.db.collection('join');
    await c.insertOne({ _id: 'before' } as Document);
    await until('A saw before', () => recA.events(subA.streamId).length >= 1);
    const b = await h.connect();
    const recB = new Recorder(b);
    const subB = await watch(b, 'b', target);
    expect(subB.streamId).toBe(subA.streamId);
    expect(subB.resumeToken).toBeDefined();
    await c.insertOne({ _id: 'after' } as Document);
    await until('B saw after', () => recB.events(subB.streamId).length >= 1);
    expect(recB.events(subB.streamId).map((e) => e.documentKey._id)).toEqual(['after']);
    // B's ack token is a valid resume point: resuming from it yields exactly what B got.
    const c2 = await h.connect();
    const rec2 = new Recorder(c2);
    const resumed = await watch(c2, 'r', target, { options: { resumeAfter: subB.resumeToken } });
    await until('resumed', () => rec2.events(resumed.streamId).length >= 1);
    expect(rec2.events(resumed.streamId).map((e) => e.documentKey._id)).toEqual(['after']);
    for (const s of [a, b, c2]) s.disconnect();
  });

  it('different pipelines, options or scopes get different streams, served by one feed per scope and option family', async () => {
    // Feeds linger briefly after their last subscriber (feedLingerMs), for reconnects.
    await until('earlier feeds closed', () => h.bridge.stats().mongoStreams === 0);
    const socket = await h.connect();
    const t = { db: h.mongo.dbName, collection: 'diff' };
    const x = await watch(socket, 'x', t);
    const y = await watch(socket, 'y', t, { pipeline: [{ $match: { operationType: 'insert' } }] });
    const z = await watch(socket, 'z', t, { options: { fullDocument: 'updateLookup' } });
    const w = await watch(socket, 'w', { db: h.mongo.dbName });
    expect(new Set([x.streamId, y.streamId, z.streamId, w.streamId]).size).toBe(4);
    // x, y and z share the collection's feed (default is served by updateLookup); w watches the database.
    expect(h.bridge.stats()).toMatchObject({ mongoStreams: 2, feeds: 2, watchGroups: 4 });
    socket.disconnect();
    await until('all closed', () => h.bridge.stats().mongoStreams === 0);
  });

  it('refuses a subId already in use and enforces maxSubscriptionsPerSocket', async () => {
    const socket = await h.connect();
    await watch(socket, 'dup', { db: h.mongo.dbName });
    const dup = await request(socket, 'watch', { v: 1, subId: 'dup', target: { db: h.mongo.dbName } });
    expect(dup).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    for (let i = 0; i < 99; i++) await watch(socket, `n${i}`, { db: h.mongo.dbName });
    const over = await request(socket, 'watch', { v: 1, subId: 'over', target: { db: h.mongo.dbName } });
    expect(over).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    expect(h.bridge.stats().mongoStreams).toBe(1);
    await request(socket, 'unsubscribe', { v: 1, subId: 'n0' });
    expect((await request(socket, 'watch', { v: 1, subId: 'over', target: { db: h.mongo.dbName } })).ok).toBe(true);
    socket.disconnect();
  });
});
