// A rolling restart, as docs/deployment.md describes it: each node in turn gets SIGTERM, stops
// accepting connections and calls `bridge.close({ drain })`; its clients are told `closing`, resume
// on the other nodes while it still serves them, and it exits once they have left. Writes go on
// throughout: nothing is lost, nothing doubled, no stream ends, every live query current.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeNode, openSharedDatabase, type SharedDatabase, startNodes } from './support/cluster.js';
import { runDisruption } from './support/scenario.js';

describe('a rolling restart of 3 bridge processes with bridge.close({ drain })', () => {
  let db: SharedDatabase;
  let nodes: BridgeNode[];

  beforeAll(async () => {
    db = await openSharedDatabase('scale_rolling');
    nodes = await startNodes(3, { uri: db.mongo.uri, drainMs: 20_000 });
  }, 300_000);

  afterAll(async () => {
    await Promise.all((nodes ?? []).map((n) => n.kill()));
    await db?.close();
  });

  it('moves every client off each node in turn and loses nothing', async () => {
    const exits: Array<number | null> = [];
    await runDisruption({
      driver: db.driver,
      dbName: db.mongo.dbName,
      collection: 'items',
      nodes,
      mode: 'round-robin',
      clients: 6,
      writesPerSecond: 100,
      disrupt: async (node) => {
        exits.push(await node.terminate());
        await node.start();
      },
    });
    // Each node exited by itself, cleanly, once its clients had moved.
    expect(exits).toEqual([0, 0, 0]);
  }, 300_000);
});
