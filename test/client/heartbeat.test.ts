// The client's heartbeat against the real bridge, through a TCP proxy that can stall: packets stop
// in both directions while every socket stays open, the loss socket.io itself notices only after
// its server's ping interval + timeout (45 s by default).
import { createLiveClient, type LiveClient } from '@mongo-live/client';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { socketOf } from '../../packages/client/src/__tests__/socketOf.js';
import { type LiveServer, startLiveServer } from '../support/liveServer.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';

let server: LiveServer;
let proxy: TcpProxy;
let live: LiveClient | undefined;
beforeAll(async () => {
  server = await startLiveServer();
  proxy = await startTcpProxy(Number(new URL(server.url).port));
});
afterEach(async () => {
  proxy.restore();
  await live?.close();
  live = undefined;
});
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

function until(live: LiveClient, status: string): Promise<void> {
  return new Promise((resolve) => {
    if (live.status === status) return resolve();
    const off = live.onStatus((s) => {
      if (s !== status) return;
      off();
      resolve();
    });
  });
}

function connectThroughProxy(heartbeat: { intervalMs: number; timeoutMs: number } | false): LiveClient {
  return createLiveClient({
    url: `http://127.0.0.1:${proxy.port}`,
    heartbeat,
    // One TCP connection (no long-polling requests that would each open their own).
    socketOptions: { transports: ['websocket'] },
  });
}

it('turns stale on a silent stall, with the socket still open, and back with nothing missed', async () => {
  live = connectThroughProxy({ intervalMs: 100, timeoutMs: 150 });
  const coll = live.db(server.mongo.dbName).collection<{ n: number }>('beat');
  const query = coll.liveQuery({}, { sort: { n: 1 } });
  const stream = coll.watch();
  await Promise.all([query.ready(), stream.ready()]);
  const statuses: string[] = [];
  const queryStatuses: string[] = [];
  const streamStatuses: string[] = [];
  live.onStatus((s) => statuses.push(s));
  query.subscribe(() => queryStatuses.push(query.getSnapshot().status));
  stream.on('status', (s) => streamStatuses.push(s));

  proxy.stall();
  await until(live, 'stale');
  // socket.io has not noticed anything: the connection is open, just silent.
  expect(socketOf(live).connected).toBe(true);
  expect(query.getSnapshot().status).toBe('stale');
  expect(stream.status).toBe('stale');
  await server.mongo.db.collection('beat').insertOne({ n: 1 });

  proxy.restore();
  await until(live, 'connected');
  expect((await stream.next()).operationType).toBe('insert');
  await new Promise<void>((resolve) => {
    if (query.getSnapshot().docs.length === 1) return resolve();
    const off = query.subscribe(() => {
      if (query.getSnapshot().docs.length !== 1) return;
      off();
      resolve();
    });
  });
  expect(query.getSnapshot().docs.map((d) => d.n)).toEqual([1]);
  // Never a reconnect: the subscriptions lived on, the stale spell simply ended.
  expect(statuses).toEqual(['stale', 'connected']);
  expect(streamStatuses).toEqual(['stale', 'open']);
  expect(queryStatuses.filter((s, i) => s !== queryStatuses[i - 1])).toEqual(['stale', 'live']);
  query.close();
});

it('stays connected while the bridge answers, and with the heartbeat off never says stale', async () => {
  live = connectThroughProxy({ intervalMs: 50, timeoutMs: 100 });
  const quiet = connectThroughProxy(false);
  try {
    await Promise.all([until(live, 'connected'), until(quiet, 'connected')]);
    const seen: string[] = [];
    live.onStatus((s) => seen.push(s));
    // Many heartbeat periods of an idle connection: each silence is answered.
    let pings = 0;
    server.io.of('/mongo-live').sockets.forEach((socket) => {
      socket.onAny((event) => {
        if (event === 'ping') pings++;
      });
    });
    while (pings < 10) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([]);

    const quietSeen: string[] = [];
    quiet.onStatus((s) => quietSeen.push(s));
    proxy.stall();
    await until(live, 'stale');
    expect(quietSeen).toEqual([]);
    expect(quiet.status).toBe('connected');
  } finally {
    await quiet.close();
  }
});

it("takes the browser's offline event at once, and the bridge's next answer over it", async () => {
  // The browser's window, as far as the heartbeat uses it: its online/offline events.
  const browserWindow = new EventTarget();
  (globalThis as { window?: EventTarget }).window = browserWindow;
  try {
    live = connectThroughProxy({ intervalMs: 60_000, timeoutMs: 60_000 });
    await until(live, 'connected');
    const seen: string[] = [];
    live.onStatus((s) => seen.push(s));
    // Offline while packets still flow: stale at once, connected again as soon as the bridge answers.
    browserWindow.dispatchEvent(new Event('offline'));
    expect(live.status).toBe('stale');
    await until(live, 'connected');
    expect(seen).toEqual(['stale', 'connected']);

    // Offline for real: no answer, stale stays (the long heartbeat would not have noticed yet)...
    proxy.stall();
    browserWindow.dispatchEvent(new Event('offline'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(live.status).toBe('stale');
    // ...until the network is back and the answer to the ping sent on 'online' arrives.
    proxy.restore();
    browserWindow.dispatchEvent(new Event('online'));
    await until(live, 'connected');
    expect(seen).toEqual(['stale', 'connected', 'stale', 'connected']);
  } finally {
    delete (globalThis as { window?: EventTarget }).window;
  }
});
