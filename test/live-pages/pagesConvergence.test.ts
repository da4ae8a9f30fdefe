import type { LivePages } from '@mongo-live/client';
import fc from 'fast-check';
import type { Collection, Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { openViewer, setUpLiveServer } from '../support/liveServer.js';
import { canon, freshFind, matchesFind, untilPages } from './helpers.js';

type Row = { _id: number; g: number; n: number; s?: string };
const IDS = 30;

const row = fc.record({
  g: fc.integer({ min: 0, max: 3 }),
  n: fc.integer({ min: 0, max: 9 }),
  s: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
});
const id = fc.integer({ min: 0, max: IDS - 1 });
const write = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), id, doc: row }),
  fc.record({ op: fc.constant('set' as const), id, doc: row }),
  fc.record({ op: fc.constant('inc' as const), id }),
  fc.record({ op: fc.constant('delete' as const), id }),
);
type Write = typeof write extends fc.Arbitrary<infer W> ? W : never;
const view = fc.record({
  filter: fc.constantFrom<Document>({}, { g: { $ne: 0 } }, { n: { $gte: 3 } }, { g: 1 }),
  sort: fc.constantFrom<Array<[string, 1 | -1]>>(
    [['n', 1]],
    [
      ['n', -1],
      ['g', 1],
    ],
    [['s', 1]],
    [
      ['g', -1],
      ['n', 1],
    ],
    [],
  ),
  pageSize: fc.integer({ min: 1, max: 3 }),
  projection: fc.constantFrom<Document | undefined>(undefined, { n: 1 }, { s: 0 }),
});
const step = fc.record({
  writes: fc.array(write, { minLength: 1, maxLength: 5 }),
  fetch: fc.constantFrom(true, true, false),
  chaos: fc.constantFrom('none', 'none', 'drop-one', 'drop-all'),
  checkpoint: fc.boolean(),
});

function clean(doc: { g: number; n: number; s: string | undefined }): Omit<Row, '_id'> {
  return doc.s === undefined ? { g: doc.g, n: doc.n } : { g: doc.g, n: doc.n, s: doc.s };
}

async function run(coll: Collection<Row>, writes: Write[]): Promise<void> {
  for (const w of writes) {
    if (w.op === 'insert') await coll.insertOne({ _id: w.id, ...clean(w.doc) }).catch(() => undefined);
    else if (w.op === 'set') await coll.updateOne({ _id: w.id }, { $set: clean(w.doc) }, { upsert: true });
    else if (w.op === 'inc') await coll.updateOne({ _id: w.id }, { $inc: { n: 1 } });
    else await coll.deleteOne({ _id: w.id });
  }
}

const fixture = setUpLiveServer();

let runs = 0;

describe('live pages convergence (fast-check)', () => {
  it('the concatenated pages always equal a fresh find() with the same sort over the loaded range, under concurrent writes, fetchNextPage and reconnects', {
    timeout: 150_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 8, maxLength: IDS }),
        fc.array(view, { minLength: 1, maxLength: 3 }),
        fc.array(step, { minLength: 4, maxLength: 10 }),
        async (seed, views, steps) => {
          const coll = fixture.server.mongo.db.collection<Row>(`pages${runs++}`);
          if (seed.length > 0) await coll.insertMany(seed.map((d, i) => ({ _id: i, ...clean(d) })));
          const { socket, live } = openViewer(fixture.server);
          const open: Array<{ spec: (typeof views)[number]; pages: LivePages }> = views.map((spec) => ({
            spec,
            pages: live
              .db(fixture.server.mongo.dbName)
              .collection(coll.collectionName)
              .livePages(
                spec.filter,
                spec.projection
                  ? { sort: spec.sort, pageSize: spec.pageSize, projection: spec.projection }
                  : { sort: spec.sort, pageSize: spec.pageSize },
              ),
          }));
          const expectedOf = (spec: (typeof views)[number]) =>
            freshFind(coll as unknown as Collection<Document>, spec.filter, spec.sort, spec.projection);
          const settle = async () => {
            for (const { spec, pages } of open) {
              const expected = await expectedOf(spec);
              await untilPages(pages, (s) => s.status === 'live' && matchesFind(s, expected));
            }
          };
          try {
            await Promise.all(open.map((o) => o.pages.ready()));
            for (const [i, s] of steps.entries()) {
              if (s.chaos === 'drop-one') socket.disconnect();
              if (s.chaos === 'drop-all') fixture.server.dropConnections();
              const target = open[i % open.length];
              const fetched = s.fetch && target ? target.pages.fetchNextPage() : undefined;
              await run(coll, s.writes);
              if (s.chaos === 'drop-one') socket.connect();
              await fetched;
              if (s.checkpoint) await settle();
            }
            await settle();
            for (const { spec, pages } of open) {
              const expected = await expectedOf(spec);
              const state = pages.getSnapshot();
              expect(matchesFind(state, expected), `${canon(state.pages)} vs ${canon(expected)}`).toBe(true);
              const ids = state.pages.flat().map((d) => d._id);
              expect(new Set(ids).size).toBe(ids.length);
            }
          } finally {
            await live.close();
            socket.close();
          }
        },
      ),
      { numRuns: 16, seed: 16, endOnFailure: true },
    );
  });
});
