// The bridge ends a subscription whose socket queue overflows (sub:error LIMIT_EXCEEDED); the client
// re-subscribes from its last token by itself, so the consumer still sees every event once, in order.
import { createLiveClient, type LiveClient } from '@mongo-live/client';
import type { SubscriptionErrorMessage } from '@mongo-live/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from '../support/liveServer.js';

let server: LiveServer;
let live: LiveClient;
beforeAll(async () => {
  // A tiny queue and small batches: a burst of inserts overflows the socket's queue at once.
  server = await startLiveServer({ limits: { maxQueueBytesPerSocket: 2_000, batchSize: 5 } });
  live = createLiveClient({ url: server.url });
});
afterAll(async () => {
  await live?.close();
  await server?.close();
});

it('LIMIT_EXCEEDED from the bridge: re-subscribes from the last token, nothing lost or repeated', async () => {
  const overflows: SubscriptionErrorMessage[] = [];
  live.transport.on('sub:error', (m) => overflows.push(m));
  const collection = server.mongo.db.collection('burst');
  const stream = live.db(server.mongo.dbName).collection('burst').watch();
  await stream.ready();
  const seen: number[] = [];
  let expected = 0;
  // Bursts until the bridge has dropped the subscription at least once (bounded).
  for (let round = 0; round < 20 && overflows.length === 0; round++) {
    await collection.insertMany(Array.from({ length: 100 }, () => ({ i: expected++, pad: 'x'.repeat(200) })));
    while (seen.length < expected)
      seen.push(((await stream.next()) as { fullDocument?: { i: number } }).fullDocument?.i as number);
  }
  expect(overflows.length).toBeGreaterThan(0);
  expect(overflows[0]?.error.code).toBe('LIMIT_EXCEEDED');
  expect(seen).toEqual(Array.from({ length: expected }, (_, i) => i));
  expect(stream.status).toBe('open');
  await stream.close();
});
