import { allowAll } from '@mongo-live/server-bridge';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Recorder, request, startHarness, type TestSocket, until, watch } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ authorize: allowAll, limits: { maxQueueBytesPerSocket: 256 * 1024 } });
});
afterAll(() => h?.close());

/** The TCP socket under a socket.io-client websocket, to stop reading from it. */
function tcpOf(socket: TestSocket): { pause(): void; resume(): void } {
  const transport = (
    socket.io as unknown as { engine: { transport: { ws: { _socket: { pause(): void; resume(): void } } } } }
  ).engine.transport;
  return transport.ws._socket;
}

describe('a slow client', () => {
  it('gets sub:error LIMIT_EXCEEDED when its queue overflows, resumes from its last token, and loses nothing', async () => {
    const target = { db: h.mongo.dbName, collection: 'big' };
    const fast = await h.connect();
    const slow = await h.connect();
    const recFast = new Recorder(fast);
    const recSlow = new Recorder(slow);
    const subFast = await watch(fast, 'f', target);
    const subSlow = await watch(slow, 's', target);
    expect(subSlow.streamId).toBe(subFast.streamId);
    const tcp = tcpOf(slow);
    tcp.pause();
    const payload = 'x'.repeat(256 * 1024);
    const total = 60;
    const c = h.mongo.db.collection('big');
    for (let i = 0; i < total; i++) await c.insertOne({ _id: i, payload } as Document);
    await until('the fast client got everything', () => recFast.events(subFast.streamId).length >= total);
    expect(recFast.subErrors).toEqual([]);
    await until('the slow subscription was ended by the bridge', () => h.bridge.stats().subscriptions === 1);
    expect(h.bridge.stats().mongoStreams).toBe(1); // the fast client's stream lives on
    tcp.resume();
    await until('the slow client learns why', () => recSlow.subErrors.length >= 1);
    expect(recSlow.subErrors[0]).toMatchObject({ subId: 's', error: { code: 'LIMIT_EXCEEDED' } });
    // Everything the slow client got before the error is a gap-free prefix.
    const got = recSlow.events(subSlow.streamId);
    expect(got.map((e) => e.documentKey._id)).toEqual(Array.from({ length: got.length }, (_, i) => i));
    expect(got.length).toBeLessThan(total);
    // Its client resumes from the last token it saw (or the ack's token): the rest arrives, once.
    const batches = recSlow.batches.filter((b) => b.streamId === subSlow.streamId);
    const lastToken = batches.at(-1)?.postBatchResumeToken ?? subSlow.resumeToken;
    const resumed = await watch(slow, 's', target, { options: { resumeAfter: lastToken } });
    // The resumed subscription has the same spec, hence the same stream id: count what came after.
    const rest = () => recSlow.events(resumed.streamId).slice(got.length);
    await until('the rest', () => rest().length >= total - got.length);
    expect(rest().map((e) => e.documentKey._id)).toEqual(
      Array.from({ length: total - got.length }, (_, i) => got.length + i),
    );
    fast.disconnect();
    slow.disconnect();
  });

  it('refuses payloads over maxPayloadBytes with LIMIT_EXCEEDED and keeps the socket', async () => {
    const socket = await h.connect();
    const huge = await request(socket, 'watch', {
      v: 1,
      subId: 'huge',
      target: { db: h.mongo.dbName },
      pipeline: [{ $match: { 'fullDocument.x': 'y'.repeat(100 * 1024) } }],
    });
    expect(huge).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    expect((await request(socket, 'watch', { v: 1, subId: 'ok', target: { db: h.mongo.dbName } })).ok).toBe(true);
    socket.disconnect();
  });
});
