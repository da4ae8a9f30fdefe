// Failures surface as LiveError on next() and on 'error', never as silence; the stream is then closed.
import { createLiveClient, type LiveClient, LiveError } from '@mongo-live/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketOf, socketTransportOf } from '../../packages/client/src/__tests__/socketOf.js';
import { type LiveServer, startLiveServer } from '../support/liveServer.js';

let server: LiveServer;
let live: LiveClient;
beforeAll(async () => {
  server = await startLiveServer({
    authorize: (req) => req.db !== undefined && req.collection !== 'secret',
  });
  live = createLiveClient({ url: server.url });
});
afterAll(async () => {
  await live?.close();
  await server?.close();
});

describe('stream errors', () => {
  it('UNAUTHORIZED: a refused watch rejects next(), emits error, closes the stream; the socket keeps working', async () => {
    const stream = live.db(server.mongo.dbName).collection('secret').watch();
    const errors: LiveError[] = [];
    stream.on('error', (e) => errors.push(e));
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiveError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(errors).toEqual([error]);
    expect(stream.closed).toBe(true);
    expect(stream.status).toBe('error');
    await expect(live.watch().next()).rejects.toMatchObject({ code: 'UNAUTHORIZED' }); // deployment-wide: denied

    const ok = live.db(server.mongo.dbName).collection('open').watch();
    await ok.ready();
    await server.mongo.db.collection('open').insertOne({ x: 1 });
    expect((await ok.next()).operationType).toBe('insert');
    await ok.close();
  });

  it('INVALID_REQUEST: a forbidden pipeline stage is refused clearly', async () => {
    const stream = live
      .db(server.mongo.dbName)
      .collection('open')
      .watch([{ $lookup: { from: 'secret' } }]);
    await expect(stream.next()).rejects.toMatchObject({ name: 'LiveError' });
    expect(stream.error?.code).toMatch(/UNAUTHORIZED|INVALID_REQUEST/);
  });

  it('STREAM_INVALIDATED: dropping the watched collection delivers the last events, then rejects', async () => {
    const coll = server.mongo.db.collection('doomed');
    await coll.insertOne({ before: true });
    const stream = live.db(server.mongo.dbName).collection('doomed').watch();
    await stream.ready();
    await coll.insertOne({ a: 1 });
    await coll.drop();
    const types: string[] = [];
    const error = await (async () => {
      for (;;) types.push((await stream.next()).operationType);
    })().catch((e: unknown) => e);
    expect(types).toEqual(['insert', 'drop', 'invalidate']);
    expect(error).toBeInstanceOf(LiveError);
    expect(error).toMatchObject({ code: 'STREAM_INVALIDATED' });
    expect(stream.closed).toBe(true);
    await expect(stream.next()).rejects.toBe(error);
  });

  it('HISTORY_LOST when the resume point is gone: in the answer to watch, and mid-stream', async () => {
    const failPoint = (command: string) =>
      server.mongo.client.db('admin').command({
        configureFailPoint: 'failCommand',
        mode: { times: 1 },
        data: { failCommands: [command], errorCode: 286, errmsg: 'history lost' },
      });
    await failPoint('aggregate');
    const refused = live.db(server.mongo.dbName).collection('hist').watch();
    await expect(refused.next()).rejects.toMatchObject({ name: 'LiveError', code: 'HISTORY_LOST', mongoCode: 286 });
    expect(refused.closed).toBe(true);

    const stream = live.db(server.mongo.dbName).collection('hist').watch();
    const errors: LiveError[] = [];
    stream.on('error', (e) => errors.push(e));
    await stream.ready();
    await server.mongo.db.collection('hist').insertOne({ kept: true });
    const kept = await stream.next();
    expect(kept.operationType).toBe('insert');
    await failPoint('getMore');
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HISTORY_LOST', mongoCode: 286 });
    expect(errors).toEqual([error]);
    expect(stream.closed).toBe(true);
  });

  it('a resume token the server never issued fails loudly, never silently', async () => {
    const stream = live
      .db(server.mongo.dbName)
      .collection('open')
      .watch([], { resumeAfter: { _data: '8200000001000000012B0229296E04' } });
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiveError);
    expect(stream.status).toBe('error');
    expect(stream.closed).toBe(true);
  });
});

describe('listeners', () => {
  it('many open/close cycles leave no listener on the socket and no subscription on the bridge', async () => {
    const socket = socketOf(live);
    const events = ['change', 'stream:error', 'sub:error', 'closing', 'connect', 'disconnect', 'connect_error'];
    const count = () =>
      events.reduce((sum, e) => sum + socket.listeners(e as 'connect').length, 0) +
      socketTransportOf(live).listenerCount;
    const warm = live.db(server.mongo.dbName).collection('cycles').watch();
    await warm.ready();
    await warm.close();
    const baseline = count();
    const subscriptions = server.bridge.stats().subscriptions;
    for (let i = 0; i < 60; i++) {
      const stream = live
        .db(server.mongo.dbName)
        .collection(`cycles${i % 3}`)
        .watch();
      if (i % 3 !== 0) await stream.ready(); // also close some before the bridge even answered
      const onChange = () => undefined;
      stream.on('resumeTokenChanged', onChange);
      await stream.close();
    }
    expect(count()).toBe(baseline);
    // close() resolves once the bridge forgot the subscription, even one closed before its ack.
    expect(server.bridge.stats().subscriptions).toBe(subscriptions);
    expect(server.bridge.stats().mongoStreams).toBe(0);
  });
});
