import { allowAll } from '@mongo-live/server-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, Recorder, request, startHarness, until, watch } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('bridge.close({ drain })', () => {
  it('tells sockets to move, keeps serving them meanwhile, sends new sockets away, closes the rest at the deadline', async () => {
    h = await startHarness({ authorize: allowAll });
    const harness = h;
    const a = await harness.connect();
    const b = await harness.connect();
    const recA = new Recorder(a);
    const recB = new Recorder(b);
    const target = { db: harness.mongo.dbName, collection: 'drained' };
    const subA = await watch(a, 'a', target);
    const subB = await watch(b, 'b', target);
    const bGone = new Promise<string>((resolve) => b.once('disconnect', (reason) => resolve(reason)));

    const closed = harness.bridge.close({ drain: 1500 });
    await until('both told', () => recA.closing.length === 1 && recB.closing.length === 1);
    expect(recA.closing[0]).toMatchObject({ error: { code: 'CLOSED' }, graceMs: 1500 });
    // Still served while they move: a write now reaches both.
    await harness.mongo.db.collection('drained').insertOne({ during: 'drain' });
    await until('event during drain', () => recA.events(subA.streamId).length === 1);
    await until('event during drain (b)', () => recB.events(subB.streamId).length === 1);
    // A request sent before its client saw `closing` is still answered...
    const late = await request(a, 'watch', { v: 1, subId: 'late', target });
    expect(late).toMatchObject({ ok: true });
    // ...but a new socket is sent away at once.
    let recC: Recorder | undefined;
    const c = await harness.connect({
      setup: (s) => {
        recC = new Recorder(s);
      },
    });
    expect(await request(c, 'watch', { v: 1, subId: 'c', target })).toMatchObject({
      ok: false,
      error: { code: 'CLOSED' },
    });
    await until('c told', () => recC?.closing.length === 1);
    c.disconnect();

    a.disconnect(); // a moved; b ignores the request and is cut at the deadline
    // A closed connection, not a socket.io disconnect: any socket.io client reconnects by itself.
    expect(await bGone).toBe('transport close');
    await closed;
    expect(harness.bridge.stats()).toMatchObject({ subscriptions: 0, mongoStreams: 0, liveQueries: 0 });
    expect(harness.bridge.close()).toBe(closed); // idempotent: the same close
  });

  it('returns as soon as every socket has left, long before the deadline', async () => {
    h = await startHarness({ authorize: allowAll });
    const harness = h;
    const a = await harness.connect();
    const recA = new Recorder(a);
    await watch(a, 'a', { db: harness.mongo.dbName, collection: 'left' });
    // A deadline far past the test's own timeout: only the socket leaving can end this close.
    const closed = harness.bridge.close({ drain: 600_000 });
    await until('told', () => recA.closing.length === 1);
    a.disconnect();
    await closed;
    expect(harness.bridge.stats()).toMatchObject({ sockets: 0, subscriptions: 0, mongoStreams: 0 });
  });
});
