// Identical streams of one client share one MongoDB stream on the bridge (one room, one batch per
// socket). A stream joining while batches flow must start exactly at its join point: its events
// are a contiguous suffix of the first stream's, with no gap and no repeat.
import { expect, it } from 'vitest';
import { setUpLiveStack } from '../support/liveServer.js';

const stack = setUpLiveStack();

const nOf = (change: unknown) => (change as { fullDocument: { i: number } }).fullDocument.i;

it('a stream joining a shared stream mid-flow sees a contiguous suffix of its events', async () => {
  const total = 120;
  const collection = stack.server.mongo.db.collection('shared');
  const watch = () =>
    stack.live
      .db(stack.server.mongo.dbName)
      .collection('shared')
      .watch([{ $match: { operationType: 'insert' } }]);
  const first = watch();
  await first.ready();
  const a: number[] = [];
  // The writer stays at most 5 inserts ahead of the first consumer, so every joiner has events left.
  const writer = (async () => {
    for (let i = 0; i < total; i++) {
      while (i - a.length > 5) await new Promise((r) => setImmediate(r));
      await collection.insertOne({ i });
    }
  })();
  writer.catch(() => first.close());

  const joiners: Array<{ stream: ReturnType<typeof watch>; from: number }> = [];
  while (a.length < total) {
    a.push(nOf(await first.next()));
    // Join at a few points while inserts keep coming.
    if (a.length % 30 === 10) joiners.push({ stream: watch(), from: a.length });
  }
  await writer;
  expect(a).toEqual(Array.from({ length: total }, (_, i) => i));
  expect(stack.server.bridge.stats().mongoStreams).toBe(1); // all shared

  for (const { stream } of joiners) {
    await stream.ready();
    const got: number[] = [];
    for (let c = await stream.tryNext(); c !== null; c = await stream.tryNext()) got.push(nOf(c));
    expect(got.length).toBeGreaterThan(0);
    const start = got[0] as number;
    expect(got).toEqual(Array.from({ length: total - start }, (_, k) => start + k));
    await stream.close();
  }
  await first.close();
});
