import { createLiveClient, type LiveClient } from '@mongo-live/client';
import type { Collection, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from '../support/liveServer.js';
import { freshFind, matchesFind, untilPages } from './helpers.js';

let server: LiveServer;
let live: LiveClient;
beforeAll(async () => {
  server = await startLiveServer({
    authorize: (req) => (req.collection === 'hidden' ? { filter: { shown: true }, projection: { secret: 0 } } : true),
  });
  live = createLiveClient({ url: server.url });
});
afterAll(async () => {
  await live?.close();
  await server?.close();
});

type Row = { _id: number; n: number; [k: string]: unknown };
const raw = (name: string) => server.mongo.db.collection<Row>(name);
const ns = (pages: Document[][]) => pages.map((p) => p.map((d) => d.n));

describe('livePages', () => {
  it('loads pages by keyset, keeps every loaded page live, moves a document across a boundary', async () => {
    await raw('basic').insertMany([1, 2, 3, 4, 5, 6, 7].map((n) => ({ _id: n, n: n * 10 })));
    const pages = live
      .db(server.mongo.dbName)
      .collection('basic')
      .livePages({}, { sort: { n: 1 }, pageSize: 2 });
    await pages.ready();
    expect(ns(pages.getSnapshot().pages)).toEqual([[10, 20]]);
    expect(pages.getSnapshot().hasNextPage).toBe(true);
    await pages.fetchNextPage();
    expect(ns(pages.getSnapshot().pages)).toEqual([
      [10, 20],
      [30, 40],
    ]);
    // Inserted above, between and below the loaded pages.
    await raw('basic').insertMany([
      { _id: 8, n: 5 },
      { _id: 9, n: 25 },
      { _id: 10, n: 45 },
    ]);
    await untilPages(pages, (s) => s.pages.flat().length === 6);
    expect(ns(pages.getSnapshot().pages)).toEqual([
      [5, 10, 20],
      [25, 30, 40],
    ]);
    // 45 is after the last page's end: not loaded until the next page.
    await raw('basic').updateOne({ _id: 1 }, { $set: { n: 35 } }); // crosses from page 0 to page 1
    await untilPages(pages, (s) => s.pages[1]?.length === 4);
    expect(ns(pages.getSnapshot().pages)).toEqual([
      [5, 20],
      [25, 30, 35, 40],
    ]);
    await pages.fetchNextPage();
    await pages.fetchNextPage();
    expect(ns(pages.getSnapshot().pages)).toEqual([
      [5, 20],
      [25, 30, 35, 40],
      [45, 50],
      [60, 70],
    ]);
    // The last read found no more than a page: the last page's end is open now.
    expect(pages.getSnapshot().hasNextPage).toBe(false);
    await pages.fetchNextPage(); // nothing to do
    expect(pages.getSnapshot().pages).toHaveLength(4);
    await raw('basic').insertOne({ _id: 11, n: 99 });
    await untilPages(pages, (s) => s.pages.flat().length === 11);
    expect(ns(pages.getSnapshot().pages).at(-1)).toEqual([60, 70, 99]);
    const expected = await freshFind(raw('basic') as unknown as Collection<Document>, {}, [['n', 1]]);
    expect(matchesFind(pages.getSnapshot(), expected)).toBe(true);
    pages.close();
  });

  it('reloads the same number of pages after a reconnect', async () => {
    await raw('again').insertMany([1, 2, 3, 4, 5].map((n) => ({ _id: n, n })));
    const pages = live
      .db(server.mongo.dbName)
      .collection('again')
      .livePages({}, { sort: { n: -1 }, pageSize: 2 });
    await pages.ready();
    await pages.fetchNextPage();
    server.dropConnections();
    await raw('again').deleteOne({ _id: 5 });
    await untilPages(pages, (s) => s.status === 'live' && s.pages.flat()[0]?.n === 4);
    expect(ns(pages.getSnapshot().pages)).toEqual([
      [4, 3],
      [2, 1],
    ]);
    pages.close();
  });

  it('hasNextPage follows writes after the loaded range: false once the last such document is gone', async () => {
    await raw('truth').insertMany([1, 2, 3, 4].map((n) => ({ _id: n, n })));
    const pages = live
      .db(server.mongo.dbName)
      .collection('truth')
      .livePages({}, { sort: { n: 1 }, pageSize: 2 });
    await pages.ready();
    expect(pages.getSnapshot().hasNextPage).toBe(true);
    await raw('truth').deleteOne({ _id: 3 });
    await raw('truth').updateOne({ _id: 4 }, { $set: { n: 0 } }); // moves into the loaded page
    await untilPages(pages, (s) => !s.hasNextPage);
    expect(ns(pages.getSnapshot().pages)).toEqual([[0, 1, 2]]);
    // Everything is loaded: a later document joins the last page, and fetchNextPage has nothing to do.
    await raw('truth').insertOne({ _id: 5, n: 50 });
    await untilPages(pages, (s) => s.pages.flat().length === 4);
    await pages.fetchNextPage();
    expect(ns(pages.getSnapshot().pages)).toEqual([[0, 1, 2, 50]]);
    expect(pages.getSnapshot().hasNextPage).toBe(false);
    pages.close();
  });

  it('hasNextPage stays true while documents after the range remain (more than the bridge tracks)', async () => {
    await raw('many').insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i + 1, n: i + 1 })));
    const pages = live
      .db(server.mongo.dbName)
      .collection('many')
      .livePages({}, { sort: { n: 1 }, pageSize: 2 });
    await pages.ready();
    await raw('many').deleteMany({ n: { $gte: 3, $lte: 19 } }); // 20 is left after the range
    await raw('many').insertOne({ _id: 99, n: 1.5 }); // a marker: every earlier event was applied
    await untilPages(pages, (s) => s.pages[0]?.length === 3);
    expect(pages.getSnapshot().hasNextPage).toBe(true);
    await pages.fetchNextPage();
    expect(ns(pages.getSnapshot().pages)).toEqual([[1, 1.5, 2], [20]]);
    expect(pages.getSnapshot().hasNextPage).toBe(false);
    pages.close();
  });

  it('refuses an array-valued sort field with INVALID_REQUEST, at subscribe and when a write brings one', async () => {
    await raw('arrays').insertMany([
      { _id: 1, n: 1, tags: 'a' },
      { _id: 2, n: 2, tags: ['b', 'c'] },
    ]);
    const refused = live
      .db(server.mongo.dbName)
      .collection('arrays')
      .livePages({}, { sort: { tags: 1 }, pageSize: 5 });
    await expect(refused.ready()).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining("cannot sort on 'tags'"),
    });
    const pages = live
      .db(server.mongo.dbName)
      .collection('arrays')
      .livePages({ n: { $lt: 2 } }, { sort: { tags: 1 }, pageSize: 5 });
    await pages.ready(); // the one matching document has a single value
    await raw('arrays').updateOne({ _id: 1 }, { $set: { tags: ['x'] } });
    await untilPages(pages, (s) => s.status === 'error');
    expect(pages.getSnapshot().error).toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('ANDs the row filter, applies the projection, refuses a sort on a hidden field', async () => {
    await raw('hidden').insertMany([
      { _id: 1, n: 1, shown: true, secret: 'x' },
      { _id: 2, n: 2, shown: false, secret: 'y' },
      { _id: 3, n: 3, shown: true, secret: 'z' },
    ]);
    const pages = live
      .db(server.mongo.dbName)
      .collection('hidden')
      .livePages({}, { sort: { n: 1 }, pageSize: 5 });
    await pages.ready();
    expect(pages.getSnapshot().pages).toEqual([
      [
        { _id: 1, n: 1, shown: true },
        { _id: 3, n: 3, shown: true },
      ],
    ]);
    expect(pages.getSnapshot().hasNextPage).toBe(false);
    pages.close();
    const bad = live
      .db(server.mongo.dbName)
      .collection('hidden')
      .livePages({}, { sort: { secret: 1 }, pageSize: 5 });
    await expect(bad.ready()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
