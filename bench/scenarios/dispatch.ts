import { MongoClient, type ObjectId } from 'mongodb';
import { createLiveQueryService } from '../../packages/server-bridge/src/live-query/index.js';
import { nowMs } from '../lib/stats.js';
import { startEmbeddedProcess } from '../support/processes.js';

export interface DispatchRow {
  liveQueries: number;
  writes: number;
  /** Process CPU (user + system) per write, in µs: change-stream decoding, dispatch, diffing, encoding. */
  cpuPerWriteUs: number;
  /** The same minus the 1-query run: what the extra live queries cost per write. */
  extraOverOneUs: number;
}

const DOCS = 1000;

/**
 * Live-query dispatch: N distinct equality live queries (`{ k: i }`) on one collection, then writes
 * that each change one query's result. CPU per write should stay flat as N grows (the index of
 * equality predicates finds the affected query without scanning all of them).
 */
export async function measureDispatch(options: { queries: number[]; writes: number }): Promise<DispatchRow[]> {
  const db = await startEmbeddedProcess();
  const mongo = await new MongoClient(db.uri).connect();
  const writer = await new MongoClient(db.uri).connect();
  const coll = writer.db('bench').collection<{ _id?: ObjectId; k: number; v: number }>('dispatch');
  await coll.deleteMany({});
  const inserted = await coll.insertMany(Array.from({ length: DOCS }, (_, k) => ({ k, v: 0 })));
  const ids = Object.values(inserted.insertedIds) as ObjectId[];
  const rows: DispatchRow[] = [];
  try {
    for (const n of options.queries) {
      let updates = 0;
      let wake: (() => void) | undefined;
      const service = createLiveQueryService({
        mongo,
        emitUpdate: () => {
          updates++;
          wake?.();
        },
        emitError: (queryId, error) => console.error('bench: live query failed', queryId, error),
      });
      for (let i = 0; i < n; i += 50) {
        const batch = Array.from({ length: Math.min(50, n - i) }, (_, j) => i + j);
        await Promise.all(
          batch.map((k) => service.subscribe({ db: 'bench', collection: 'dispatch', filter: { k } }, `bench:${k}`)),
        );
      }
      const hit = Math.min(n, DOCS);
      const runWrites = async (count: number) => {
        for (let w = 0; w < count; w++) {
          const before = updates;
          const arrived = new Promise<void>((resolve) => {
            wake = () => updates > before && resolve();
          });
          await coll.updateOne({ _id: ids[w % hit]! }, { $inc: { v: 1 } });
          await arrived;
        }
      };
      await runWrites(Math.min(50, options.writes)); // warm-up: JIT, connection pools
      const cpu0 = process.cpuUsage();
      const t0 = nowMs();
      await runWrites(options.writes);
      const cpu = process.cpuUsage(cpu0);
      const elapsed = nowMs() - t0;
      const perWrite = (cpu.user + cpu.system) / options.writes;
      rows.push({
        liveQueries: n,
        writes: options.writes,
        cpuPerWriteUs: Number(perWrite.toFixed(1)),
        extraOverOneUs: Number((perWrite - (rows[0]?.cpuPerWriteUs ?? perWrite)).toFixed(1)),
      });
      if (elapsed <= 0) throw new Error('bench: no time elapsed');
      await service.close();
    }
  } finally {
    await mongo.close();
    await writer.close();
    await db.stop();
  }
  return rows;
}
