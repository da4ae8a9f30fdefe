// The quick start of packages/client/README.md, run as written (port 0 instead of 3000).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLiveClient } from '@mongo-live/client';
import { allowAll, createBridge } from '@mongo-live/server-bridge';
import { Server } from 'socket.io';
import { expect, it } from 'vitest';
import { startTestMongo } from '../support/mongo.js';

it('README quick start', async () => {
  const db = await startTestMongo();
  const mongo = db.client;
  const shop = db.dbName;
  const http = createServer();
  const bridge = createBridge({ io: new Server(http), mongo, authorize: allowAll });
  await new Promise<void>((resolve) => http.listen(0, resolve));

  const live = createLiveClient({ url: `http://localhost:${(http.address() as AddressInfo).port}` });
  const orders = live.db(shop).collection('orders');
  const stream = orders.watch([{ $match: { operationType: { $in: ['insert', 'update'] } } }], {
    fullDocument: 'updateLookup',
  });
  await stream.ready();

  const writer = (async () => {
    const { insertedId } = await mongo.db(shop).collection('orders').insertOne({ item: 'book', qty: 1 });
    await mongo
      .db(shop)
      .collection('orders')
      .updateOne({ _id: insertedId }, { $inc: { qty: 1 } });
  })();

  const logged: unknown[] = [];
  let seen = 0;
  for await (const change of stream) {
    logged.push([change.operationType, (change as { fullDocument?: unknown }).fullDocument]);
    if (++seen === 2) break;
  }
  await writer;
  expect(stream.closed).toBe(true);
  expect(logged).toMatchObject([
    ['insert', { item: 'book', qty: 1 }],
    ['update', { item: 'book', qty: 2 }],
  ]);

  await live.close();
  await bridge.close();
  http.closeAllConnections();
  await new Promise((r) => http.close(r));
  await db.close();
});
