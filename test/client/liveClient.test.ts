// createLiveClient options against the real bridge: handshake auth, custom namespace, your own
// socket, deployment-wide watch, status, close().
import { createLiveClient, type LiveClient, Timestamp } from '@mongo-live/client';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketOf } from '../../packages/client/src/__tests__/socketOf.js';
import { type LiveServer, startLiveServer } from '../support/liveServer.js';

let server: LiveServer;
beforeAll(async () => {
  server = await startLiveServer({
    namespace: '/custom',
    // Row-free policy keyed on the handshake: only clients presenting the token may watch.
    authorize: (_req, socket) => (socket.handshake.auth as { token?: string }).token === 'secret',
  });
});
afterAll(() => server?.close());
const nOf = (change: unknown) => (change as { fullDocument: { n: number } }).fullDocument.n;

describe('createLiveClient', () => {
  it('sends auth in the handshake and talks to a custom namespace', async () => {
    const allowed = createLiveClient({ url: server.url, namespace: '/custom', auth: { token: 'secret' } });
    const denied = createLiveClient({ url: `${server.url}/`, namespace: 'custom', auth: { token: 'nope' } });
    try {
      const ok = allowed.db(server.mongo.dbName).collection('a').watch();
      await ok.ready();
      await expect(denied.db(server.mongo.dbName).collection('a').watch().next()).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
      await server.mongo.db.collection('a').insertOne({ x: 1 });
      expect((await ok.next()).operationType).toBe('insert');
    } finally {
      await allowed.close();
      await denied.close();
    }
  });

  it('watches the whole deployment across databases', async () => {
    const live = createLiveClient({ url: server.url, namespace: '/custom', auth: { token: 'secret' } });
    const other = `${server.mongo.dbName}_other`;
    const stream = live.watch([{ $match: { 'ns.db': { $in: [server.mongo.dbName, other] } } }]);
    await stream.ready();
    await server.mongo.db.collection('x').insertOne({ n: 1 });
    await server.mongo.client.db(other).collection('y').insertOne({ n: 2 });
    const first = await stream.next();
    const second = await stream.next();
    expect([first, second].map((c) => (c as { ns: { db: string; coll: string } }).ns)).toEqual([
      { db: server.mongo.dbName, coll: 'x' },
      { db: other, coll: 'y' },
    ]);
    await live.close();
    await server.mongo.client
      .db(other)
      .dropDatabase()
      .catch(() => undefined);
  });

  it('status follows the socket; close() closes every stream and the socket it created', async () => {
    const live = createLiveClient({ url: server.url, namespace: '/custom', auth: { token: 'secret' } });
    const statuses: string[] = [];
    live.onStatus((s) => statuses.push(s));
    expect(live.status).toBe('connecting');
    const a = live.db(server.mongo.dbName).collection('a').watch();
    const b = live.db(server.mongo.dbName).watch();
    await Promise.all([a.ready(), b.ready()]);
    expect(live.status).toBe('connected');
    expect(server.bridge.stats().subscriptions).toBe(2);
    await live.close();
    expect([a.closed, b.closed]).toEqual([true, true]);
    expect(live.status).toBe('disconnected');
    expect(statuses).toEqual(['connected', 'disconnected']);
    expect(socketOf(live).connected).toBe(false);
    // Streams of a closed client are closed at once.
    const late = live.db(server.mongo.dbName).collection('a').watch();
    await expect(late.next()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('uses a socket you bring, and leaves it open on close()', async () => {
    const socket = io(`${server.url}/custom`, { forceNew: true, auth: { token: 'secret' } });
    const live: LiveClient = createLiveClient({ socket });
    const stream = live.db(server.mongo.dbName).collection('mine').watch();
    await stream.ready();
    await server.mongo.db.collection('mine').insertOne({ mine: true });
    expect((await stream.next()).operationType).toBe('insert');
    await live.close();
    expect(socket.connected).toBe(true);
    expect(socket.listeners('change')).toHaveLength(0);
    expect(socket.listeners('connect')).toHaveLength(0);
    socket.disconnect();
  });

  it('startAtOperationTime and startAfter start where they say, with real Timestamp and token values', async () => {
    const live = createLiveClient({ url: server.url, namespace: '/custom', auth: { token: 'secret' } });
    const coll = server.mongo.db.collection('start');
    const first = live.db(server.mongo.dbName).collection('start').watch();
    await first.ready();
    await coll.insertOne({ n: 1 });
    await coll.insertOne({ n: 2 });
    const one = await first.next();
    const two = await first.next();
    await first.close();
    expect(one.clusterTime).toBeInstanceOf(Timestamp);

    // From the second insert's cluster time: the second insert again, not the first.
    const fromTime = live
      .db(server.mongo.dbName)
      .collection('start')
      .watch([], { startAtOperationTime: two.clusterTime as Timestamp });
    expect(nOf(await fromTime.next())).toBe(2);
    await fromTime.close();

    // After the first event's token: the second insert.
    const afterOne = live.db(server.mongo.dbName).collection('start').watch([], { startAfter: one._id });
    expect(afterOne.resumeToken).toEqual(one._id);
    expect(nOf(await afterOne.next())).toBe(2);
    expect(afterOne.resumeToken).not.toEqual(one._id); // at or past the second event
    await live.close();
  });
});
