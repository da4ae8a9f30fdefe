import { allowAll } from '@mongo-live/server-bridge';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Recorder, request, startHarness, until, watch } from './harness.js';

// A replay buffer of 5 events: resuming further back takes a catch-up stream.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ authorize: allowAll, limits: { replayBufferEvents: 5 }, oplogCapacity: 60 });
});
afterAll(() => h?.close());

const ids = (events: Document[]) => events.map((e) => e.documentKey._id);

describe('resuming behind the replay buffer', () => {
  it('several subscriptions resuming at once share one catch-up stream, handed over to the live feed at the exact event', async () => {
    const target = { db: h.mongo.dbName, collection: 'catchup' };
    const c = h.mongo.db.collection('catchup');
    const a = await h.connect();
    const recA = new Recorder(a);
    const subA = await watch(a, 'a', target);
    for (let i = 0; i < 20; i++) await c.insertOne({ _id: i } as Document);
    await until('A saw 20', () => recA.events(subA.streamId).length >= 20);
    const tokens = recA.events(subA.streamId).map((e) => e._id);
    const before = h.changeStreamAggregates();
    // Three clients resume at once from positions long out of the buffer, while writes go on.
    const starts = [2, 5, 9];
    const clients = await Promise.all(starts.map(() => h.connect()));
    const recs = clients.map((s) => new Recorder(s));
    const writing = (async () => {
      for (let i = 20; i < 40; i++) await c.insertOne({ _id: i } as Document);
    })();
    const subs = await Promise.all(
      clients.map((s, k) => watch(s, 'r', target, { options: { resumeAfter: tokens[starts[k]!] } })),
    );
    await writing;
    for (const [k, rec] of recs.entries()) {
      await until(`client ${k} caught up`, () => rec.events(subs[k]!.streamId).length >= 39 - starts[k]!);
      expect(ids(rec.events(subs[k]!.streamId))).toEqual(
        Array.from({ length: 39 - starts[k]! }, (_, i) => starts[k]! + 1 + i),
      );
    }
    expect(h.changeStreamAggregates() - before).toBe(1); // one shared catch-up stream
    await until('the catch-up stream closed after the handover', () => h.bridge.stats().mongoStreams === 1);
    // Handed over: live events keep coming, once.
    await c.insertOne({ _id: 40 } as Document);
    for (const [k, rec] of recs.entries())
      await until(`client ${k} live`, () => ids(rec.events(subs[k]!.streamId)).includes(40));
    for (const [k, rec] of recs.entries())
      expect(new Set(ids(rec.events(subs[k]!.streamId))).size).toBe(40 - starts[k]!);
    for (const s of [a, ...clients]) s.disconnect();
  });

  it('HISTORY_LOST only for the subscription whose position MongoDB no longer has; the others resume', async () => {
    const target = { db: h.mongo.dbName, collection: 'lost' };
    const c = h.mongo.db.collection('lost');
    const a = await h.connect();
    const recA = new Recorder(a);
    const subA = await watch(a, 'a', target);
    await c.insertOne({ _id: 'old' } as Document);
    await until('A saw old', () => recA.events(subA.streamId).length >= 1);
    const oldToken = recA.events(subA.streamId)[0]!._id;
    // Push the old position out of the oplog (and out of the 5-event buffer).
    for (let i = 0; i < 80; i++) await c.insertOne({ _id: i } as Document);
    await until('A saw all', () => recA.events(subA.streamId).length >= 81);
    const recent = recA.events(subA.streamId)[70]!._id; // _id 69: in the oplog, not in the buffer
    const lost = await h.connect();
    const fine = await h.connect();
    const recFine = new Recorder(fine);
    const [lostAck, fineAck] = await Promise.all([
      request(lost, 'watch', { v: 1, subId: 'l', target, options: { resumeAfter: oldToken } }),
      request(fine, 'watch', { v: 1, subId: 'f', target, options: { resumeAfter: recent } }),
    ]);
    if (h.mongo.kind === 'embedded') expect(lostAck).toMatchObject({ ok: false, error: { code: 'HISTORY_LOST' } });
    expect(fineAck.ok).toBe(true);
    const streamId = (fineAck as unknown as { data: { streamId: string } }).data.streamId;
    await until('fine caught up', () => recFine.events(streamId).length >= 10);
    expect(ids(recFine.events(streamId))).toEqual([70, 71, 72, 73, 74, 75, 76, 77, 78, 79]);
    // The live subscriber never noticed.
    expect(recA.streamErrors).toEqual([]);
    for (const s of [a, lost, fine]) s.disconnect();
  });
});
