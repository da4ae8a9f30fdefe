// examples/cluster as a user runs it: Node's cluster module, 2 workers on one port (round-robin,
// websocket-only). A worker SIGKILLed is replaced by the primary; SIGHUP rolls every worker (each
// drains while its clients move). Writes go on throughout; nothing is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineProcess, openSharedDatabase, type SharedDatabase } from './support/cluster.js';
import { eventually, openFleet, startWriter } from './support/fleet.js';
import { seedAndWatch, verifyFleet } from './support/scenario.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('examples/cluster: 2 workers, one killed, then a rolling restart', () => {
  let db: SharedDatabase;
  let cluster: LineProcess;
  let url: string;

  beforeAll(async () => {
    db = await openSharedDatabase('scale_cluster');
    cluster = new LineProcess(['examples/cluster/server.ts'], {
      MONGODB_URI: db.mongo.uri,
      WORKERS: '2',
      PORT: '0',
      DRAIN_MS: '20000',
    });
    url = (await cluster.line('cluster ready: ')).split(' ')[0] as string;
  }, 120_000);

  afterAll(async () => {
    await cluster?.kill('SIGTERM');
    await db?.close();
  });

  const workerPids = () => cluster.all.flatMap((l) => /^worker (\d+) serving/.exec(l)?.[1] ?? []).map(Number);

  it('loses nothing when a worker dies or all are rolled', async () => {
    const coll = db.driver.db(db.mongo.dbName).collection('items');
    const reference = await seedAndWatch(coll);
    const fleet = openFleet({
      url,
      db: db.mongo.dbName,
      collection: 'items',
      clients: 4,
      transports: ['websocket'],
      prefix: 'cluster-',
    });
    try {
      await Promise.all(fleet.map((c) => c.stream.ready()));
      await Promise.all(fleet.flatMap((c) => c.queries.map((q) => q.query.ready())));
      const writer = startWriter(coll, 100);
      let writes = 0;
      try {
        await sleep(800);
        const [first] = workerPids();
        process.kill(first as number, 'SIGKILL'); // the primary starts another
        await eventually(
          () => workerPids().length === 3,
          60_000,
          () => cluster.all.join('\n'),
        );
        await sleep(800);
        cluster.child.kill('SIGHUP');
        await cluster.line('rolling restart done', 120_000);
        await sleep(800);
      } finally {
        writes = await writer.stop();
      }
      expect(writes).toBeGreaterThan(100);
      // 2 + 1 replacement + 2 rolled in: every client was on a worker that went away.
      expect(workerPids()).toHaveLength(5);
      await verifyFleet(coll, fleet, reference.truth);
    } finally {
      await Promise.all(fleet.map((c) => c.live.close()));
      await reference.close();
    }
  }, 300_000);
});
