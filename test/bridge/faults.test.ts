import { allowAll } from '@mongo-live/server-bridge';
import type { Document } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Recorder, request, startHarness, until, watch } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ authorize: allowAll });
});
afterEach(async () => {
  await failPoint('off');
  // Streams of earlier tests must not consume the next test's fail point.
  await until('streams of the test released', () => h.bridge.stats().mongoStreams === 0);
});
afterAll(() => h?.close());

/** Arms failCommand for the bridge's own connections only (appName), so test clients are unaffected. */
async function failPoint(mode: 'off' | { times: number }, data: Document = {}): Promise<void> {
  await h.mongo.client.db('admin').command({
    configureFailPoint: 'failCommand',
    mode,
    ...(mode === 'off' ? {} : { data: { appName: 'mongo-live-bridge', ...data } }),
  });
}

describe('driver-level resumable errors', () => {
  it.each([
    ['a resumable error code', { errorCode: 91, errorLabels: ['ResumableChangeStreamError'] }],
    ['a closed connection', { closeConnection: true }],
  ])('are resumed by the driver after %s: no event lost or repeated, no error sent', async (_name, data) => {
    const socket = await h.connect();
    const rec = new Recorder(socket);
    const coll = `resumable_${String(_name).length}`;
    const sub = await watch(socket, 'r', { db: h.mongo.dbName, collection: coll });
    const c = h.mongo.db.collection(coll);
    await c.insertOne({ _id: 1 } as Document);
    await until('first event', () => rec.events(sub.streamId).length >= 1);
    const aggregates = h.changeStreamAggregates();
    await failPoint({ times: 1 }, { failCommands: ['getMore'], ...data });
    await c.insertOne({ _id: 2 } as Document);
    await c.insertOne({ _id: 3 } as Document);
    await until('events after the failure', () => rec.events(sub.streamId).length >= 3);
    await c.insertOne({ _id: 4 } as Document);
    await until('one more', () => rec.events(sub.streamId).length >= 4);
    expect(rec.events(sub.streamId).map((e) => e.documentKey._id)).toEqual([1, 2, 3, 4]);
    expect(h.changeStreamAggregates()).toBeGreaterThan(aggregates); // the driver really re-opened the stream
    expect(rec.streamErrors).toEqual([]);
    socket.disconnect();
  });
});

describe('non-resumable errors', () => {
  it('reach every subscriber of the stream as stream:error SERVER_ERROR with mongoCode', async () => {
    const a = await h.connect();
    const b = await h.connect();
    const recA = new Recorder(a);
    const recB = new Recorder(b);
    const target = { db: h.mongo.dbName, collection: 'fatal' };
    const sub = await watch(a, 'x', target);
    await watch(b, 'y', target);
    await failPoint({ times: 1 }, { failCommands: ['getMore'], errorCode: 2, errmsg: 'boom' });
    await until('both told', () => recA.streamErrors.length >= 1 && recB.streamErrors.length >= 1);
    await failPoint('off');
    for (const rec of [recA, recB])
      expect(rec.streamErrors).toEqual([
        {
          streamId: sub.streamId,
          error: { code: 'SERVER_ERROR', mongoCode: 2, message: expect.stringContaining('boom') },
        },
      ]);
    await until('subscriptions released', () => h.bridge.stats().subscriptions === 0);
    expect(h.bridge.stats().mongoStreams).toBe(0);
    // The sockets keep working and the subIds are free again (a client re-subscribes from its token).
    const again = await watch(a, 'x', target);
    await h.mongo.db.collection('fatal').insertOne({ ok: 1 });
    await until('the new stream delivers', () => recA.events(again.streamId).length >= 1);
    a.disconnect();
    b.disconnect();
  });

  it('ChangeStreamHistoryLost (286) becomes HISTORY_LOST, in the ack or as stream:error', async () => {
    const socket = await h.connect();
    const rec = new Recorder(socket);
    await failPoint({ times: 1 }, { failCommands: ['aggregate'], errorCode: 286, errmsg: 'history lost' });
    const refused = await request(socket, 'watch', {
      v: 1,
      subId: 'h',
      target: { db: h.mongo.dbName, collection: 'hist' },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'HISTORY_LOST', mongoCode: 286 } });
    const sub = await watch(socket, 'h2', { db: h.mongo.dbName, collection: 'hist' });
    await failPoint({ times: 1 }, { failCommands: ['getMore'], errorCode: 286, errmsg: 'history lost' });
    await until('stream error', () => rec.streamErrors.length >= 1);
    expect(rec.streamErrors[0]).toMatchObject({
      streamId: sub.streamId,
      error: { code: 'HISTORY_LOST', mongoCode: 286 },
    });
    socket.disconnect();
  });

  it('an invalidated stream delivers its last events, then STREAM_INVALIDATED', async () => {
    const socket = await h.connect();
    const rec = new Recorder(socket);
    const c = h.mongo.db.collection('doomed');
    await c.insertOne({ _id: 0 } as Document);
    const sub = await watch(socket, 'i', { db: h.mongo.dbName, collection: 'doomed' });
    await c.insertOne({ _id: 1 } as Document);
    await c.drop();
    await until('invalidated', () => rec.streamErrors.length >= 1);
    expect(rec.streamErrors[0]).toMatchObject({ streamId: sub.streamId, error: { code: 'STREAM_INVALIDATED' } });
    expect(rec.events(sub.streamId).map((e) => e.operationType)).toEqual(['insert', 'drop', 'invalidate']);
    await until('stream released', () => h.bridge.stats().mongoStreams === 0);
    socket.disconnect();
  });
});
