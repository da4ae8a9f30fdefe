import type { LiveCount } from '@mongo-live/client';
import fc from 'fast-check';
import type { Collection, Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { type LiveViewer, openViewer, setUpLiveServer } from '../support/liveServer.js';
import { recordCounts, untilCount } from './helpers.js';

type Row = { _id: number; g?: number; n?: number; tags?: string[] };
const IDS = 24;

const FILTERS: Document[] = [
  {},
  { g: 0 },
  { g: { $in: [1, 2] } },
  { n: { $gte: 5 } },
  { $or: [{ g: 3 }, { n: 9 }] },
  { tags: 'a' },
  { g: 1, n: { $lt: 5 } },
];

const row = fc.record({
  g: fc.integer({ min: 0, max: 3 }),
  n: fc.integer({ min: 0, max: 9 }),
  tags: fc.option(fc.subarray(['a', 'b', 'c']), { nil: undefined }),
});
const id = fc.integer({ min: 0, max: IDS - 1 });
const write = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), id, doc: row }),
  fc.record({ op: fc.constant('set' as const), id, doc: row }),
  fc.record({ op: fc.constant('inc' as const), id }),
  fc.record({ op: fc.constant('replace' as const), id, doc: row }),
  fc.record({ op: fc.constant('delete' as const), id }),
  fc.record({ op: fc.constant('deleteMany' as const), g: fc.integer({ min: 0, max: 3 }) }),
);
type Write = typeof write extends fc.Arbitrary<infer W> ? W : never;
/** One step: two concurrent bursts of writes, maybe a connection loss during them, maybe a checkpoint after. */
const step = fc.record({
  a: fc.array(write, { minLength: 1, maxLength: 4 }),
  b: fc.array(write, { minLength: 0, maxLength: 4 }),
  chaos: fc.constantFrom('none', 'none', 'drop-one', 'drop-all', 'reopen'),
  checkpoint: fc.boolean(),
});

function clean(doc: { g: number; n: number; tags: string[] | undefined }): Omit<Row, '_id'> {
  const out: Omit<Row, '_id'> = { g: doc.g, n: doc.n };
  if (doc.tags !== undefined) out.tags = doc.tags;
  return out;
}

async function run(coll: Collection<Row>, writes: Write[]): Promise<void> {
  for (const w of writes) {
    if (w.op === 'insert') await coll.insertOne({ _id: w.id, ...clean(w.doc) }).catch(() => undefined);
    else if (w.op === 'set') await coll.updateOne({ _id: w.id }, { $set: clean(w.doc) }, { upsert: true });
    else if (w.op === 'inc') await coll.updateOne({ _id: w.id }, { $inc: { n: 1 } });
    else if (w.op === 'replace') await coll.replaceOne({ _id: w.id }, clean(w.doc));
    else if (w.op === 'delete') await coll.deleteOne({ _id: w.id });
    else await coll.deleteMany({ g: w.g });
  }
}

const fixture = setUpLiveServer();

interface Viewer extends LiveViewer {
  counts: Array<{ filter: Document; count: LiveCount; seen: number[] }>;
}

let runs = 0;

describe('live count convergence (fast-check)', () => {
  it('liveCount equals countDocuments() at every checkpoint and at the end, under concurrent writes and reconnects; never negative', {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: IDS }),
        fc.array(step, { minLength: 3, maxLength: 10 }),
        async (seed, steps) => {
          const coll = fixture.server.mongo.db.collection<Row>(`counts${runs++}`);
          if (seed.length > 0) await coll.insertMany(seed.map((d, i) => ({ _id: i, ...clean(d) })));
          const viewers: Viewer[] = [];
          const open = (v: Viewer, filter: Document) => {
            const count = v.live.db(fixture.server.mongo.dbName).collection(coll.collectionName).liveCount(filter);
            v.counts.push({ filter, count, seen: recordCounts(count) });
          };
          for (let c = 0; c < 2; c++) {
            const v: Viewer = { ...openViewer(fixture.server), counts: [] };
            viewers.push(v);
            for (const filter of FILTERS) open(v, filter);
          }
          const settle = async () => {
            for (const v of viewers)
              for (const { filter, count } of v.counts) {
                const truth = await coll.countDocuments(filter);
                await untilCount(count, (s) => s.status === 'live' && s.count === truth);
              }
          };
          try {
            for (const [i, s] of steps.entries()) {
              const v = viewers[i % viewers.length] as Viewer;
              if (s.chaos === 'drop-one') v.socket.disconnect();
              if (s.chaos === 'drop-all') fixture.server.dropConnections();
              if (s.chaos === 'reopen') {
                const k = i % v.counts.length;
                const [old] = v.counts.splice(k, 1);
                old?.count.close();
                open(v, FILTERS[(i * 3) % FILTERS.length] as Document);
              }
              await Promise.all([run(coll, s.a), run(coll, s.b)]);
              if (s.chaos === 'drop-one') v.socket.connect();
              if (s.checkpoint) await settle();
            }
            await settle();
            for (const v of viewers)
              for (const { filter, count, seen } of v.counts) {
                expect(count.getSnapshot().count).toBe(await coll.countDocuments(filter));
                for (const n of seen) expect(n).toBeGreaterThanOrEqual(0);
                for (const n of seen) expect(n).toBeLessThanOrEqual(IDS);
              }
          } finally {
            for (const v of viewers) {
              await v.live.close();
              v.socket.close();
            }
          }
        },
      ),
      { numRuns: 6, seed: 16, endOnFailure: true },
    );
  });
});
