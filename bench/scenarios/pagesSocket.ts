import type { LivePages } from '@mongo-live/client';
import type { Document } from 'mongodb';
import { nowMs, type Summary, summarize } from '../lib/stats.js';
import { startDeliveryRig } from '../support/liveStack.js';

export interface PagesSocketRow {
  pages: number;
  writes: number;
  /** Write → arrival at the driver's own watch() in this process (the floor), ms. */
  floor: Summary;
  /** Write → the moved document in the client's live pages (over socket.io), ms. */
  pageDiff: Summary;
  /** Per write: page diff arrival minus floor arrival, ms. */
  overhead: Summary;
  /** CPU of this process (bridge + socket.io both ends + client + the floor watch) per write, µs. */
  cpuUsPerWrite: number;
  /** Raw write → page diff latencies (ms) and the floor's, for the plot. */
  samples: { pageDiff: number[]; floor: number[] };
}

const PAGE_SIZE = 50;
const WARM_UP = 50;

/**
 * End to end over a real socket: one client holds live pages of 50 (1, 10 or 100 loaded) on a
 * collection of the embedded server; each write moves a random loaded document to a random place
 * in the loaded range (its sort key changes: across pages, mostly). Measured per write, one at a
 * time: from just before `updateOne` to the driver's own `watch()` (the floor, same run) and to the
 * new state in the client's pages.
 */
export async function measurePagesSocket(options: { writes: number }): Promise<PagesSocketRow[]> {
  const rig = await startDeliveryRig();
  const { stack, writer, watcher, live } = rig;
  const rows: PagesSocketRow[] = [];
  try {
    for (const pageCount of [1, 10, 100]) {
      const name = `pages_socket_${pageCount}`;
      const coll = writer.db('bench').collection<{ _id: number; n: number; w: number }>(name);
      const total = pageCount * PAGE_SIZE;
      // Twice the loaded range, so there is always a next page; n = 0, 2, 4, ...
      await coll.insertMany(Array.from({ length: 2 * total }, (_, i) => ({ _id: i, n: i * 2, w: -1 })));
      const floor = new Map<number, number>();
      const arrived = new Map<number, number>();
      // The write loop waits for both arrivals of a write; no polling (it would add CPU and latency).
      let waiting: { w: number; done: () => void } | undefined;
      const check = () => {
        if (waiting && floor.has(waiting.w) && arrived.has(waiting.w)) {
          const { done } = waiting;
          waiting = undefined;
          done();
        }
      };
      const both = (w: number, what: string) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`pages bench: timed out waiting for ${what}`)), 10_000);
          waiting = {
            w,
            done: () => {
              clearTimeout(timer);
              resolve();
            },
          };
          check();
        });
      const baseline = watcher.db('bench').collection(name).watch();
      baseline.on('error', () => undefined);
      baseline.on('change', (e) => {
        if (e.operationType === 'update') floor.set(Number(e.updateDescription.updatedFields?.w), nowMs());
        check();
      });
      const pages: LivePages<Document> = live
        .db('bench')
        .collection(name)
        .livePages({}, { sort: { n: 1 }, pageSize: PAGE_SIZE });
      await pages.ready();
      while (pages.getSnapshot().pages.length < pageCount) await pages.fetchNextPage();
      let seen = pages.getSnapshot().pages;
      pages.subscribe(() => {
        const t = nowMs();
        const now = pages.getSnapshot().pages;
        // Only the pages whose identity changed: what a component would re-render.
        for (let p = 0; p < now.length; p++)
          if (now[p] !== seen[p]) for (const doc of now[p]!) if (!arrived.has(doc.w)) arrived.set(doc.w, t);
        seen = now;
        check();
      });
      // Warm-up: both paths established.
      // Warm-up (not measured): both paths established, the code on this path compiled.
      for (let w = -2; w > -2 - WARM_UP; w--) {
        const warm = both(w, 'warm-up');
        await coll.updateOne({ _id: -w % total }, { $set: { n: ((-w * 31) % (total - 1)) * 2 + 1, w } });
        await warm;
      }
      const wrote = new Map<number, number>();
      const cpu = process.cpuUsage();
      for (let w = 0; w < options.writes; w++) {
        const id = (w * 7919) % total;
        const n = ((w * 104_729) % (total - 1)) * 2 + 1; // odd: between two loaded documents, inside the range
        const done = both(w, `write ${w} with ${pageCount} pages`);
        wrote.set(w, nowMs());
        await coll.updateOne({ _id: id }, { $set: { n, w } });
        await done;
      }
      const used = process.cpuUsage(cpu);
      pages.close();
      await baseline.close();
      const lat = (m: Map<number, number>) => [...wrote].map(([w, t]) => (m.get(w) as number) - t);
      rows.push({
        pages: pageCount,
        writes: options.writes,
        floor: summarize(lat(floor)),
        pageDiff: summarize(lat(arrived)),
        overhead: summarize([...wrote.keys()].map((w) => (arrived.get(w) as number) - (floor.get(w) as number))),
        cpuUsPerWrite: Math.round((used.user + used.system) / options.writes),
        samples: { pageDiff: lat(arrived), floor: lat(floor) },
      });
    }
  } finally {
    await rig.close();
  }
  return rows;
}
