// Real connection drops (the engine.io transport is closed, server side and client side) while a
// writer inserts: the consumer sees every event exactly once, in order.
import { createLiveClient, type LiveClient } from '@mongo-live/client';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { socketOf } from '../../packages/client/src/__tests__/socketOf.js';
import { type LiveServer, startLiveServer } from '../support/liveServer.js';

let server: LiveServer;
let live: LiveClient;
beforeAll(async () => {
  server = await startLiveServer();
  live = createLiveClient({ url: server.url, socketOptions: { reconnectionDelay: 10, reconnectionDelayMax: 50 } });
});
afterAll(async () => {
  await live?.close();
  await server?.close();
});

it('delivers every event exactly once, in order, across many connection drops', async () => {
  const total = 150;
  const drops = 12;
  const collection = server.mongo.db.collection('reconnect');
  const stream = live.db(server.mongo.dbName).collection('reconnect').watch();
  const statuses: string[] = [];
  stream.on('status', (s) => statuses.push(s));
  await stream.ready();

  const writer = (async () => {
    for (let i = 0; i < total; i++) await collection.insertOne({ i });
  })();
  writer.catch(() => stream.close());

  const seen: number[] = [];
  let dropped = 0;
  while (seen.length < total) {
    const change = await stream.next();
    seen.push((change as unknown as { fullDocument: { i: number } }).fullDocument.i);
    // Drop every 12 events, alternating server-side and client-side transport closes.
    if (seen.length % 12 === 6 && dropped < drops) {
      await stream.ready(); // each drop cuts a live subscription
      dropped++;
      // Wait until the client has noticed the drop: a server-side close travels to the client
      // while it may still be reading buffered events, and two drops must not merge into one.
      const noticed = new Promise<void>((resolve) => {
        const off = live.transport.onStatus((status) => {
          if (status === 'connected') return;
          off();
          resolve();
        });
      });
      if (dropped % 2 === 0) socketOf(live).io.engine.close();
      else expect(server.dropConnections()).toBe(1);
      await noticed;
    }
  }
  await writer;
  expect(dropped).toBe(drops);
  expect(seen).toEqual(Array.from({ length: total }, (_, i) => i));
  // Each drop was noticed and healed by the stream itself.
  expect(statuses.filter((s) => s === 'reconnecting')).toHaveLength(drops);
  await stream.close();
  // The last drop may still be travelling to the server: it releases the subscription when the
  // old socket's close reaches it (or, if the client got back first, on the client's unsubscribe).
  await vi.waitFor(() => expect(server.bridge.stats().subscriptions).toBe(0), { timeout: 10_000 });
});

it('a stream opened while disconnected subscribes once the connection is back', async () => {
  socketOf(live).io.engine.close();
  const stream = live.db(server.mongo.dbName).collection('late').watch();
  await stream.ready();
  await server.mongo.db.collection('late').insertOne({ late: true });
  expect((await stream.next()).operationType).toBe('insert');
  await stream.close();
});
