import { decode } from '@mongo-live/protocol';
import type { Authorize } from '@mongo-live/server-bridge';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, request, startHarness, until } from '../bridge/harness.js';
import { liveRecorder, replay } from './liveUpdates.js';

// A live query's skip goes to MongoDB: the skipped documents are read as their _id and sort keys
// only, the visible ones from MongoDB's skip on; the result stays exact when writes move
// documents into, out of and within the skipped prefix.

let h: Harness;
let db: string;
const authorize: Authorize = (req, socket) =>
  req.db === db && socket.data?.user ? { filter: { owner: socket.data.user as string } } : false;

beforeAll(async () => {
  h = await startHarness({ authorize });
  db = h.mongo.dbName;
});
afterAll(() => h?.close());

const BIG = 'x'.repeat(2000);

describe('skip', () => {
  it('reads the skipped prefix as keys and the rest with MongoDB skip; stays equal to a fresh find', async () => {
    const coll = h.mongo.db.collection('skipped');
    await coll.insertMany(
      Array.from({ length: 60 }, (_, i) => ({ _id: i, owner: 'ann', rank: i * 10, body: BIG })) as never,
    );
    await coll.insertOne({ _id: 'bobs', owner: 'bob', rank: 5, body: BIG } as never);
    const socket = await h.connect({ auth: { user: 'ann' } });
    const live = liveRecorder(socket);
    const before = h.commands.length;
    const spec = { filter: {}, sort: [['rank', 1]] as Array<[string, 1 | -1]>, skip: 50, limit: 5 };
    const ack = await request(socket, 'query', { v: 1, subId: 'q', db, collection: 'skipped', ...spec });
    if (!ack.ok) throw new Error(ack.error.message);
    const finds = h.commands.slice(before).filter((c) => c.commandName === 'find' && c.command.find === 'skipped');
    // After the findOne that fixes the read's cluster time: the prefix, 50 documents as _id and
    // rank only; then the visible part from MongoDB's skip, starting one early (the boundary check).
    expect(finds.slice(1).map((c) => [c.command.skip ?? 0, c.command.limit, c.command.projection ?? null])).toEqual([
      [0, 50, { rank: 1, _id: 1 }],
      [49, 6, null],
    ]);
    const queryId = ack.data.queryId as string;
    const expected = async () =>
      (await coll.find({ owner: 'ann' }).sort({ rank: 1, _id: 1 }).skip(50).limit(5).toArray()).map((d) => d._id);
    const shown = () => replay(ack.data.docs as Document[], live.updates, queryId).map((d) => d._id);
    expect(shown()).toEqual(await expected());
    expect(decode<Document>((ack.data.docs as Document[])[0]!).body).toBe(BIG);

    // Into the prefix (the prefix's last, held as keys, is pushed into view: a refill), out of it,
    // within it, and across the boundary, each followed by a check against MongoDB itself.
    const writes: Array<() => Promise<unknown>> = [
      () => coll.insertOne({ _id: 'new-1', owner: 'ann', rank: 1, body: BIG } as never),
      () => coll.deleteOne({ _id: 3 } as Document),
      () => coll.updateOne({ _id: 10 } as Document, { $set: { rank: 15 } }),
      () => coll.updateOne({ _id: 52 } as Document, { $set: { rank: 2 } }),
      () => coll.updateOne({ _id: 5 } as Document, { $set: { rank: 1000 } }),
      () => coll.insertOne({ _id: 'new-2', owner: 'ann', rank: 495, body: BIG } as never),
      () => coll.deleteMany({ _id: { $in: [0, 1, 2] } } as Document),
      () =>
        coll.insertMany([
          { _id: 'new-3', owner: 'ann', rank: 0, body: BIG },
          { _id: 'new-4', owner: 'ann', rank: 0, body: BIG },
        ] as never),
    ];
    for (const [i, write] of writes.entries()) {
      await write();
      const want = await expected();
      // A write that leaves the visible part as it was (within the prefix) is equal at once.
      await until(
        `the live query equals the find after write ${i}`,
        () => JSON.stringify(shown()) === JSON.stringify(want),
      );
    }
    // Refills (the prefix's last pushed into view) read the same way: never 50 whole documents.
    const reads = h.commands
      .slice(before)
      .filter((c) => c.commandName === 'find' && c.command.find === 'skipped' && c.command.limit !== 1);
    expect(reads.length).toBeGreaterThan(2);
    for (const c of reads) expect(c.command.projection !== undefined || c.command.skip === 49).toBe(true);
    expect(live.errors).toEqual([]);
    expect(JSON.stringify(live.updates)).not.toContain('bobs');
    socket.disconnect();
  });
});
