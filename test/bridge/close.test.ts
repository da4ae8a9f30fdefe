import { allowAll } from '@mongo-live/server-bridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Recorder, request, startHarness, until, watch } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ authorize: allowAll });
});
afterAll(() => h?.close());

describe('bridge.close()', () => {
  it('tells every socket it is closing, closes every stream, and refuses new requests', async () => {
    const a = await h.connect();
    const b = await h.connect();
    const recA = new Recorder(a);
    const recB = new Recorder(b);
    await watch(a, 'x', { db: h.mongo.dbName, collection: 'c1' });
    await watch(b, 'y', { db: h.mongo.dbName, collection: 'c2' });
    await watch(b, 'z', { db: h.mongo.dbName });
    expect(h.bridge.stats()).toMatchObject({ sockets: 2, subscriptions: 3, mongoStreams: 3 });
    await h.bridge.close();
    expect(h.bridge.stats()).toMatchObject({ subscriptions: 0, mongoStreams: 0, liveQueries: 0 });
    await until('both sockets told', () => recA.closing.length === 1 && recB.closing.length === 1);
    expect(recA.closing[0]).toMatchObject({ error: { code: 'CLOSED' } });
    await until('cursors killed', () => h.commands.filter((c) => c.commandName === 'killCursors').length >= 3);
    const late = await request(a, 'watch', { v: 1, subId: 'late', target: { db: h.mongo.dbName } });
    expect(late).toMatchObject({ ok: false, error: { code: 'CLOSED' } });
    // A socket connecting after close is told so, and its requests are answered.
    let recC: Recorder | undefined;
    const c = await h.connect({
      setup: (s) => {
        recC = new Recorder(s);
      },
    });
    const refused = await request(c, 'watch', { v: 1, subId: 'w', target: { db: h.mongo.dbName } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CLOSED' } });
    await until('told', () => recC?.closing.length === 1);
    await h.bridge.close(); // idempotent
  });
});
