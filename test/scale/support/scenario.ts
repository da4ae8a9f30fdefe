import type { Collection, Document, MongoClient } from 'mongodb';
import { expect } from 'vitest';
import { type BalancerMode, startBalancer } from './balancer.js';
import type { BridgeNode } from './cluster.js';
import { eventually, type FleetClient, freshFind, openFleet, shown, startWriter, tokenData } from './fleet.js';

export interface DisruptionOptions {
  driver: MongoClient;
  dbName: string;
  collection: string;
  nodes: BridgeNode[];
  mode: BalancerMode;
  clients: number;
  writesPerSecond: number;
  /** What happens to each node in turn while the writes go on (kill and restart, drain...). */
  disrupt(node: BridgeNode): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Clients spread over the nodes through a balancer, writes going on while `disrupt` runs on each
 * node in turn. Then: every watch() holds every event of a driver change stream exactly once, in
 * order, and none ended; every live query says 'live' and equals a fresh find(); none said 'live'
 * while its socket was down, and every one whose node went away left 'live' meanwhile.
 */
export async function runDisruption(options: DisruptionOptions): Promise<{ writes: number; moved: number }> {
  const { driver, dbName, nodes, mode } = options;
  const coll: Collection<Document> = driver.db(dbName).collection(options.collection);
  const reference = await seedAndWatch(coll);
  const { truth } = reference;
  const balancer = await startBalancer({ mode, backends: () => nodes.map((n) => n.port) });
  const fleet = openFleet({
    url: `http://127.0.0.1:${balancer.port}`,
    db: dbName,
    collection: options.collection,
    clients: options.clients,
    transports: mode === 'round-robin' ? ['websocket'] : ['polling', 'websocket'],
    prefix: `${mode}-`,
  });
  try {
    await Promise.all(fleet.map((c) => c.stream.ready()));
    await Promise.all(fleet.flatMap((c) => c.queries.map((q) => q.query.ready())));
    const served = await Promise.all(nodes.map((n) => n.stats()));
    for (const s of served) expect(s.sockets, `${s.name} serves no client`).toBeGreaterThan(0);
    expect(served.reduce((sum, s) => sum + s.sockets, 0)).toBe(options.clients);

    const writer = startWriter(coll, options.writesPerSecond);
    const moved = new Set<string>();
    let writes = 0;
    try {
      for (const node of nodes) {
        await sleep(800);
        for (const id of (await node.stats()).clients) moved.add(id);
        await options.disrupt(node);
      }
      await sleep(800);
    } finally {
      writes = await writer.stop();
    }
    expect(moved.size).toBe(options.clients);

    await verifyFleet(coll, fleet, truth);
    // After all the moves, each node holds one MongoDB stream per scope and option family (here the
    // watches' and the live queries' of one collection), not one per client that resumed on it.
    await eventually(
      async () => (await Promise.all(nodes.map((n) => n.stats()))).every((s) => s.mongoStreams <= 2),
      15_000,
      () => 'a node still holds more than 2 MongoDB change streams',
    );
    return { writes, moved: moved.size };
  } finally {
    await Promise.all(fleet.map((c) => c.live.close()));
    await reference.close();
    await balancer.close();
  }
}

/** Seeds 30 documents and opens a driver change stream on them: what really happened, in order. */
export async function seedAndWatch(coll: Collection<Document>): Promise<{ truth: string[]; close(): Promise<void> }> {
  await coll.insertMany(Array.from({ length: 30 }, (_, n) => ({ n, group: n % 3 })));
  const truth: string[] = [];
  const reference = coll.watch();
  reference.on('change', (change) => truth.push(tokenData(change._id)));
  await new Promise<void>((resolve) => reference.once('resumeTokenChanged', () => resolve()));
  return { truth, close: () => reference.close() };
}

/**
 * Once the writes stopped: every client's watch() holds `truth` exactly and did not end; every live
 * query says 'live' and equals a fresh find(), never said 'live' while its socket was down, and
 * went through 'reconnecting' (every client here was on a node that went away).
 */
export async function verifyFleet(coll: Collection<Document>, fleet: FleetClient[], truth: string[]): Promise<void> {
  await eventually(
    () => fleet.every((c) => c.events.length >= truth.length || c.errors.length > 0),
    30_000,
    () => fleet.map((c) => `${c.id}: ${c.events.length}/${truth.length} events`).join(', '),
  );
  for (const client of fleet) {
    expect(client.errors, `${client.id}: its stream must not end`).toEqual([]);
    expect(client.events, `${client.id}: every event once, in order`).toEqual(truth);
  }
  for (const client of fleet)
    for (const q of client.queries) {
      let expected: string[] = [];
      await eventually(
        async () => {
          expected = await freshFind(coll, q);
          return q.query.getSnapshot().status === 'live' && JSON.stringify(shown(q)) === JSON.stringify(expected);
        },
        15_000,
        () => describeQuery(client, q, expected),
      );
      expect(q.liveWhileDisconnected, `${client.id}: 'live' while disconnected`).toBe(0);
      expect(q.statuses.slice(2), `${client.id} ${JSON.stringify(q.filter)}`).toContain('reconnecting');
    }
}

function describeQuery(client: FleetClient, q: FleetClient['queries'][number], expected: string[]) {
  const { status } = q.query.getSnapshot();
  const got = shown(q);
  const missing = expected.filter((d) => !got.includes(d));
  const extra = got.filter((d) => !expected.includes(d));
  return `${client.id} ${JSON.stringify(q.filter)} status ${status} (${q.statuses.join('→')}): ${got.length} shown, ${expected.length} in find(); missing ${missing.slice(0, 5).join(' ')}; extra ${extra.slice(0, 5).join(' ')}`;
}
