import { MongoClient, type ObjectId } from 'mongodb';
import { LiveQueryService } from '../../packages/server-bridge/src/live-query/LiveQueryService.js';
import { startEmbeddedProcess } from '../support/processes.js';

export interface DispatchRow {
  liveQueries: number;
  writes: number;
  /** Process CPU (user + system) per write, in µs: change-stream decoding, dispatch, diffing, encoding. */
  cpuPerWriteUs: number;
  /**
   * The same minus the floor: a plain driver `watch({ fullDocument: 'updateLookup' })` consuming the
   * same writes in this process (writer and event decoding included in both).
   */
  overDriverWatchUs: number;
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
  const hitIds = (n: number) => ids.slice(0, Math.min(n, DOCS));
  const cpuPerWrite = async (count: number, targets: ObjectId[], arrivedAfterWrite: () => Promise<void>) => {
    const cpu0 = process.cpuUsage();
    for (let w = 0; w < count; w++) {
      const arrived = arrivedAfterWrite();
      await coll.updateOne({ _id: targets[w % targets.length]! }, { $inc: { v: 1 } });
      await arrived;
    }
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / count;
  };
  try {
    // The floor: the driver's own change stream with the lookup a live query feed does.
    const watch = mongo.db('bench').collection('dispatch').watch([], { fullDocument: 'updateLookup' });
    let wakeWatch: (() => void) | undefined;
    let seen = 0;
    watch.on('change', () => {
      seen++;
      wakeWatch?.();
    });
    const nextEvent = () => new Promise<void>((resolve) => (wakeWatch = resolve));
    // watch() opens lazily: write until its first event shows the cursor is established.
    while (seen === 0) {
      await coll.updateOne({ _id: ids[0]! }, { $inc: { v: 1 } });
      await new Promise((r) => setTimeout(r, 50));
    }
    await cpuPerWrite(options.writes, ids, nextEvent); // warm-up: JIT, connection pools
    const floor = await cpuPerWrite(options.writes, ids, nextEvent);
    await watch.close();
    for (const n of options.queries) {
      let updates = 0;
      let wake: (() => void) | undefined;
      const service = new LiveQueryService({
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
      const nextUpdate = () =>
        new Promise<void>((resolve) => {
          const before = updates;
          wake = () => updates > before && resolve();
        });
      await cpuPerWrite(Math.min(100, options.writes), hitIds(n), nextUpdate); // warm-up
      const perWrite = await cpuPerWrite(options.writes, hitIds(n), nextUpdate);
      rows.push({
        liveQueries: n,
        writes: options.writes,
        cpuPerWriteUs: Number(perWrite.toFixed(1)),
        overDriverWatchUs: Number((perWrite - floor).toFixed(1)),
      });
      await service.close();
    }
  } finally {
    await mongo.close();
    await writer.close();
    await db.stop();
  }
  return rows;
}
