// Failures surface as LiveError on next() and on 'error', never as silence; the stream is then closed.
import { createLiveClient, type LiveClient, LiveError } from '@mongo-live/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('invalidation: dropping the watched collection ends the stream with a LiveError, after the events', async () => {
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
    expect(types[0]).toBe('insert');
    expect(error).toBeInstanceOf(LiveError);
    // The bridge reports STREAM_INVALIDATED once it forwards the drop/invalidate events; with the
    // driver closing its cursor first it reports SERVER_ERROR. Either way: loud, and closed.
    if (types.includes('invalidate')) expect(error).toMatchObject({ code: 'STREAM_INVALIDATED' });
    expect(stream.closed).toBe(true);
    await expect(stream.next()).rejects.toBe(error);
  });

  it('HISTORY_LOST: resuming after a token the server does not have fails loudly', async () => {
    const stream = live
      .db(server.mongo.dbName)
      .collection('open')
      // A well-formed token from long before this deployment's history.
      .watch([], { resumeAfter: { _data: '8200000001000000012B0229296E04' } });
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiveError);
    expect((error as LiveError).code).toMatch(/HISTORY_LOST|SERVER_ERROR|INVALID_REQUEST/);
    expect(stream.closed).toBe(true);
  });
});

describe('listeners', () => {
  it('many open/close cycles leave no listener on the socket and no subscription on the bridge', async () => {
    const socket = live.transport.socket;
    const events = ['change', 'stream:error', 'sub:error', 'closing', 'connect', 'disconnect', 'connect_error'];
    const count = () =>
      events.reduce((sum, e) => sum + socket.listeners(e as 'connect').length, 0) + live.transport.statusListenerCount;
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
    // Streams closed before their ack are unsubscribed when the late ack arrives: wait for the bridge to settle.
    const probe = live.db(server.mongo.dbName).collection('cycles').watch();
    await probe.ready();
    await probe.close();
    expect(server.bridge.stats().subscriptions).toBe(subscriptions);
    expect(server.bridge.stats().mongoStreams).toBe(0);
  });
});
