// The client half of a graceful restart: the bridge node a client is on closes (`closing`), the
// client moves to another node (two bridges on one MongoDB, behind a TCP proxy that sends new
// connections to the node that is up) and resumes every watch from its last token — every event
// once, in order — while its live query takes a fresh snapshot there and is never 'live' in between.
import { createLiveClient, type LiveClient, type LiveQueryStatus } from '@mongo-live/client';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type LiveServer, startLiveServer } from '../support/liveServer.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';

const portOf = (server: LiveServer) => Number(new URL(server.url).port);

let mongo: TestMongo;
let nodeA: LiveServer;
let nodeB: LiveServer;
let proxy: TcpProxy;
let live: LiveClient;
const requestsOnB = { watch: 0, query: 0 };

beforeAll(async () => {
  mongo = await startTestMongo({ dbPrefix: 'node_move' });
  nodeA = await startLiveServer({ mongo });
  nodeB = await startLiveServer({ mongo });
  nodeB.io.of('/mongo-live').on('connection', (socket) => {
    socket.onAny((event: string) => {
      if (event === 'watch' || event === 'query') requestsOnB[event]++;
    });
  });
  proxy = await startTcpProxy(portOf(nodeA));
  live = createLiveClient({
    url: `http://127.0.0.1:${proxy.port}`,
    // websocket-only: one TCP connection per socket.io session, as behind a round-robin balancer.
    socketOptions: { transports: ['websocket'], reconnectionDelay: 20, reconnectionDelayMax: 100 },
  });
});
afterAll(async () => {
  await live?.close();
  await proxy?.close();
  await nodeA?.close();
  await nodeB?.close();
  await mongo?.close();
});

it("on 'closing' every watch resumes on another node with nothing lost, and the live query re-snapshots there", async () => {
  const total = 120;
  const moveAt = 40;
  const coll = mongo.db.collection<{ _id: number; i: number }>('moving');
  const orders = live.db(mongo.dbName).collection<{ _id: number; i: number }>('moving');
  const byCollection = orders.watch();
  const byDatabase = live.db(mongo.dbName).watch([{ $match: { 'ns.coll': 'moving' } }]);
  const query = orders.liveQuery({}, { sort: { i: 1 } });
  await Promise.all([byCollection.ready(), byDatabase.ready(), query.ready()]);

  // Every status the live query reports, and how many queries had reached node B at that moment.
  const reported: Array<{ status: LiveQueryStatus; queriesOnB: number; docs: number }> = [];
  query.subscribe(() => {
    const { status, docs } = query.getSnapshot();
    const last = reported.at(-1);
    if (last?.status !== status) reported.push({ status, queriesOnB: requestsOnB.query, docs: docs.length });
  });
  let statusAtClosing: LiveQueryStatus | undefined;
  live.transport.on('closing', () => {
    statusAtClosing ??= query.getSnapshot().status;
  });

  let moved = false;
  const writer = (async () => {
    for (let i = 0; i < total; i++) {
      await coll.insertOne({ _id: i, i });
      if (i === moveAt) {
        // A graceful restart of the node the client is on: new connections go to B, A says `closing`.
        proxy.retarget(portOf(nodeB));
        await nodeA.bridge.close();
        moved = true;
      }
    }
  })();
  const read = async (stream: { next(): Promise<unknown> }) => {
    const seen: number[] = [];
    while (seen.length < total) seen.push(((await stream.next()) as { fullDocument: { i: number } }).fullDocument.i);
    return seen;
  };
  const [viaCollection, viaDatabase] = await Promise.all([read(byCollection), read(byDatabase), writer]);
  expect(moved).toBe(true);
  const expected = Array.from({ length: total }, (_, i) => i);
  expect(viaCollection).toEqual(expected);
  expect(viaDatabase).toEqual(expected);
  // Both resumed on node B.
  expect(requestsOnB.watch).toBeGreaterThanOrEqual(2);

  await vi.waitFor(() => expect(query.getSnapshot()).toMatchObject({ status: 'live', docs: { length: total } }), {
    timeout: 10_000,
  });
  const fresh = await coll.find({}, { sort: { i: 1 } }).toArray();
  expect(query.getSnapshot().docs).toEqual(fresh);
  // Honest: not 'live' once told the node is closing, and 'live' again only after a fresh snapshot from B.
  expect(statusAtClosing).toBe('reconnecting');
  const afterClosing = reported.slice(reported.findIndex((r) => r.status === 'reconnecting'));
  expect(afterClosing[0]?.status).toBe('reconnecting');
  const backLive = afterClosing.find((r) => r.status === 'live');
  expect(backLive?.queriesOnB).toBeGreaterThan(0);
  await Promise.all([byCollection.close(), byDatabase.close()]);
  query.close();
});
