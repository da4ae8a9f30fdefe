// The bridge on 3 processes over one MongoDB, clients spread over them by a load balancer, writes
// going on while the processes are SIGKILLed and restarted one after another: nothing lost or
// doubled, every live query current and honest about it (test/scale/support/scenario.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeNode, openSharedDatabase, type SharedDatabase, startNodes } from './support/cluster.js';
import { runDisruption } from './support/scenario.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the bridge on 3 processes, each SIGKILLed and restarted under writes', () => {
  let db: SharedDatabase;
  let nodes: BridgeNode[];

  beforeAll(async () => {
    db = await openSharedDatabase('scale_failover');
    nodes = await startNodes(3, { uri: db.mongo.uri });
  }, 300_000);

  afterAll(async () => {
    await Promise.all((nodes ?? []).map((n) => n.kill()));
    await db?.close();
  });

  const killAndRestart = async (node: BridgeNode) => {
    await node.kill();
    await sleep(400);
    await node.start();
  };

  for (const mode of ['round-robin', 'sticky'] as const)
    it(`${mode === 'round-robin' ? 'round-robin, websocket-only' : 'sticky by client, polling then websocket'}: every event once, every live query current`, async () => {
      const { writes } = await runDisruption({
        driver: db.driver,
        dbName: db.mongo.dbName,
        collection: `items_${mode.replace('-', '_')}`,
        nodes,
        mode,
        clients: 6,
        writesPerSecond: Number(process.env.SCALE_RATE ?? 100),
        disrupt: killAndRestart,
      });
      expect(writes).toBeGreaterThan(100);
    }, 300_000);
});
