import { createLiveClient, type LiveClient, type LiveQuery } from '@mongo-live/client';
import type { Collection, Document } from 'mongodb';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { type LiveServer, startLiveServer } from '../support/liveServer.js';
import { canon, freshFind, type TestQuery, until } from './helpers.js';

/** Seeded PRNG (mulberry32): a failing seed replays exactly. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof rng>;
type Row = { _id: number; [key: string]: unknown };

const IDS = 30;
const STRINGS = ['a', 'b', 'c', 'd', 'e'];

function randomDoc(r: Rng, id: number): Row {
  const doc: Row = { _id: id, g: r.int(4), n: r.int(10), s: r.pick(STRINGS) };
  if (r.chance(0.2)) delete doc.s; // missing fields sort as null
  if (r.chance(0.3)) doc.tags = [r.pick(STRINGS), r.pick(STRINGS)];
  return doc;
}

function randomQuery(r: Rng): TestQuery {
  const filter = r.pick<Document>([
    {},
    { g: r.int(4) },
    { n: { $gte: r.int(10) } },
    { g: { $in: [r.int(4), r.int(4)] } },
    { s: r.pick(STRINGS), n: { $lt: 7 } },
    { $or: [{ g: r.int(4) }, { n: 9 }] },
    { tags: r.pick(STRINGS) },
  ]);
  const sort = r.pick<Array<[string, 1 | -1]>>([
    [],
    [['n', 1]],
    [
      ['n', -1],
      ['s', 1],
    ],
    [['s', -1]],
    [
      ['g', 1],
      ['n', -1],
    ],
  ]);
  const q: TestQuery = { filter, sort };
  if (r.chance(0.4)) q.skip = r.int(4);
  if (r.chance(0.6)) q.limit = 1 + r.int(5);
  if (r.chance(0.3)) q.projection = r.pick<Document>([{ n: 1, g: 1 }, { tags: 0 }, { s: 1, _id: 0 }]);
  return q;
}

async function writer(r: Rng, coll: Collection<Row>, ops: number) {
  for (let i = 0; i < ops; i++) {
    const id = r.int(IDS);
    switch (r.int(5)) {
      case 0:
        await coll.insertOne(randomDoc(r, id)).catch(() => undefined); // duplicate ids are fine
        break;
      case 1:
        await coll.updateOne({ _id: id }, { $set: { n: r.int(10), g: r.int(4) } });
        break;
      case 2:
        if (r.chance(0.5)) await coll.updateOne({ _id: id }, { $inc: { n: 1 } } as Document);
        else await coll.updateOne({ _id: id }, { $unset: { s: '' } });
        break;
      case 3:
        await coll.replaceOne({ _id: id }, randomDoc(r, id));
        break;
      default:
        await coll.deleteOne({ _id: id });
    }
  }
}

let server: LiveServer;
beforeAll(async () => {
  server = await startLiveServer();
});
afterAll(() => server?.close());

interface Viewer {
  socket: Socket;
  live: LiveClient;
  queries: Array<{ spec: TestQuery; query: LiveQuery }>;
}

describe('convergence', () => {
  for (const seed of [1, 2, 3]) {
    it(`random writers and reconnecting clients end equal to a fresh find (seed ${seed})`, {
      timeout: 60_000,
    }, async () => {
      const r = rng(seed);
      const coll = server.mongo.db.collection<Row>(`conv${seed}`);
      await coll.insertMany(Array.from({ length: IDS / 2 }, (_, i) => randomDoc(r, i * 2)));
      const viewers: Viewer[] = [];
      const open = (v: Viewer, spec: TestQuery) => {
        const query = v.live.db(server.mongo.dbName).collection(coll.collectionName).liveQuery(spec.filter, spec);
        v.queries.push({ spec, query });
      };
      for (let c = 0; c < 4; c++) {
        const socket = io(`${server.url}/mongo-live`, { transports: ['websocket'] });
        const v: Viewer = { socket, live: createLiveClient({ socket }), queries: [] };
        viewers.push(v);
        for (let k = 0; k < 3; k++) open(v, randomQuery(r));
      }
      onTestFailed(async () => {
        for (const v of viewers)
          for (const { spec, query } of v.queries) {
            const want = canon(await freshFind(coll, spec));
            const got = canon(query.getSnapshot().docs);
            if (want !== got) console.error(JSON.stringify(spec), '\n got ', got, '\n want', want);
          }
      });
      const settle = async () => {
        for (const v of viewers)
          for (const { spec, query } of v.queries) {
            const expected = canon(await freshFind(coll, spec));
            await until(query, (s) => s.status === 'live' && canon(s.docs) === expected);
          }
      };
      // Writes in small concurrent bursts. Between bursts: chaos (a client drops its connection
      // during the next burst, a query closes and reopens, every socket is cut once), and often a
      // checkpoint where every client must have caught up, so that events also meet live windows
      // one at a time (not only absorbed by a resubscription's snapshot).
      const w1 = rng(seed * 101);
      const w2 = rng(seed * 202);
      const cr = rng(seed * 303);
      for (let burst = 0; burst < 20; burst++) {
        const dropped: Viewer[] = [];
        if (cr.chance(0.4)) {
          const v = cr.pick(viewers);
          if (cr.chance(0.5)) {
            v.socket.disconnect();
            dropped.push(v);
          } else {
            const i = cr.int(v.queries.length);
            v.queries[i]?.query.close();
            v.queries.splice(i, 1);
            open(v, randomQuery(cr));
          }
        }
        if (burst === 10) server.dropConnections();
        await Promise.all([writer(w1, coll, 1 + cr.int(4)), writer(w2, coll, 1 + cr.int(4))]);
        for (const v of dropped) v.socket.connect();
        if (cr.chance(0.5)) await settle();
      }
      await Promise.all([writer(w1, coll, 30), writer(w2, coll, 30)]);
      await settle();
      for (const v of viewers)
        for (const { spec, query } of v.queries)
          expect(canon(query.getSnapshot().docs)).toBe(canon(await freshFind(coll, spec)));
      for (const v of viewers) {
        await v.live.close();
        v.socket.close();
      }
    });
  }
});
