import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encode } from '@mongo-live/protocol';
import { createBridge } from '@mongo-live/server-bridge';
import { type CommandStartedEvent, MongoClient } from 'mongodb';
import { Server } from 'socket.io';
import { nowMs, type Summary, summarize } from '../lib/stats.js';
import { startLiveStack } from '../support/liveStack.js';
import { type BenchProcess, startEmbeddedProcess, startProcess } from '../support/processes.js';

export interface FeedsRow {
  subscriptions: number;
  sockets: number;
  /** MongoDB change streams the bridge held (must stay 1: one feed for the collection). */
  streams: number;
  /** Distinct watch specs the bridge evaluates (one per subscription here: all distinct). */
  groups: number;
  /** This process's CPU per write (bridge + writer), µs; `floor` is a plain driver watch() doing the same. */
  cpuPerEventUs: number;
  writeToEvent: Summary;
  /** The bridge's own MongoClient: a findOne right after each event (pool contention shows here). */
  find: Summary;
}

export interface StormResult {
  sockets: number;
  /** From dropping every socket until all were re-subscribed from their last tokens (ms). */
  allResumedMs: number;
  /** Most MongoDB change streams open at any time during the storm. */
  peakStreams: number;
  /** $changeStream aggregates sent during the storm. */
  aggregates: number;
  lost: number;
  doubled: number;
}

export interface BroadcastRow {
  sockets: number;
  bridge: Summary;
  raw: Summary;
}

const wallMs = () => performance.timeOrigin + performance.now();

/**
 * Change feeds at scale: N watch subscriptions with distinct row filters (a tenant per socket) and
 * distinct pipelines (an owner per subscription) on one collection, in a client process; writes
 * that each concern one subscription. Then a reconnect storm, and the fan-out floor.
 */
export async function measureFeeds(options: { subscriptions: number[]; writes: number; stormSockets: number }) {
  const db = await startEmbeddedProcess();
  const mongo = await new MongoClient(db.uri, { monitorCommands: true }).connect();
  const aggregates: CommandStartedEvent[] = [];
  mongo.on('commandStarted', (e) => {
    if (e.commandName === 'aggregate' && e.command.pipeline?.[0]?.$changeStream) aggregates.push(e);
  });
  const writer = await new MongoClient(db.uri).connect();
  const http = createServer();
  const io = new Server(http, { maxHttpBufferSize: 1e7 });
  const bridge = createBridge({
    io,
    mongo,
    authorize: (_req, socket) => ({ filter: { tenant: String(socket.handshake.auth.tenant) } }),
    limits: { maxSubscriptionsPerSocket: 200 },
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const rows: FeedsRow[] = [];
  let storm: StormResult | undefined;
  try {
    // Floor: the driver's own watch() in this process, same writes and finds.
    rows.push(await measureFloor(mongo, writer, options.writes));
    for (const n of options.subscriptions) {
      const sockets = Math.min(n, 100);
      const perSocket = n / sockets;
      const coll = `feeds_${n}`;
      const clients = startProcess('bench/support/feedSubscribers.ts', [
        url,
        String(sockets),
        String(perSocket),
        'bench',
        coll,
      ]);
      await clients.line('READY', 600_000);
      const stats = bridge.stats();
      const lat: number[] = [];
      const finds: number[] = [];
      const doc = (seq: number) => {
        const owner = (seq * 7919) % n;
        return { seq, owner: `o${owner}`, tenant: `t${Math.floor(owner / perSocket)}`, mark: true };
      };
      const run = async (from: number, count: number) => {
        const cpu0 = process.cpuUsage();
        for (let seq = from; seq < from + count; seq++) {
          const t0 = wallMs();
          await writer.db('bench').collection(coll).insertOne(doc(seq));
          const arrived = Number((await clients.line(`ARRIVAL ${seq} `, 60_000)).split(' ')[0]);
          if (from > 0) lat.push(arrived - t0);
          const f0 = nowMs();
          await mongo.db('bench').collection(coll).findOne({ seq });
          if (from > 0) finds.push(nowMs() - f0);
        }
        const cpu = process.cpuUsage(cpu0);
        return (cpu.user + cpu.system) / count;
      };
      await run(0, Math.min(50, options.writes)); // warm-up
      const cpu = await run(1_000_000, options.writes);
      rows.push({
        subscriptions: n,
        sockets,
        streams: Math.max(stats.mongoStreams, bridge.stats().mongoStreams),
        groups: stats.watchGroups,
        cpuPerEventUs: Number(cpu.toFixed(1)),
        writeToEvent: summarize(lat),
        find: summarize(finds),
      });
      await stopClients(clients, bridge);
    }
    storm = await measureStorm(url, bridge, writer, aggregates, options.stormSockets);
  } finally {
    await bridge.close();
    io.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await mongo.close();
    await writer.close();
    await db.stop();
  }
  return { rows, storm: storm! };
}

async function stopClients(clients: BenchProcess, bridge: { stats(): { sockets: number } }) {
  await clients.stop();
  const deadline = nowMs() + 10_000;
  while (bridge.stats().sockets > 0 && nowMs() < deadline) await new Promise((r) => setTimeout(r, 50));
}

async function measureFloor(mongo: MongoClient, writer: MongoClient, writes: number): Promise<FeedsRow> {
  const coll = 'feeds_floor';
  const stream = mongo.db('bench').collection(coll).watch([], { fullDocument: 'updateLookup' });
  let wake: ((t: number) => void) | undefined;
  stream.on('change', () => wake?.(wallMs()));
  // watch() opens lazily: write until a first event shows the cursor is established.
  let seen = false;
  wake = () => {
    seen = true;
  };
  while (!seen) {
    await writer.db('bench').collection(coll).insertOne({ seq: -1 });
    await new Promise((r) => setTimeout(r, 100));
  }
  const lat: number[] = [];
  const finds: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let seq = 0; seq < writes; seq++) {
    const arrived = new Promise<number>((r) => (wake = r));
    const t0 = wallMs();
    await writer.db('bench').collection(coll).insertOne({ seq });
    lat.push((await arrived) - t0);
    const f0 = nowMs();
    await mongo.db('bench').collection(coll).findOne({ seq });
    finds.push(nowMs() - f0);
  }
  const cpu = process.cpuUsage(cpu0);
  await stream.close();
  return {
    subscriptions: 0,
    sockets: 0,
    streams: 1,
    groups: 0,
    cpuPerEventUs: Number(((cpu.user + cpu.system) / writes).toFixed(1)),
    writeToEvent: summarize(lat),
    find: summarize(finds),
  };
}

async function measureStorm(
  url: string,
  bridge: { stats(): { mongoStreams: number; sockets: number } },
  writer: MongoClient,
  aggregates: CommandStartedEvent[],
  sockets: number,
): Promise<StormResult> {
  const coll = 'feeds_storm';
  const clients = startProcess('bench/support/feedSubscribers.ts', [url, String(sockets), '1', 'bench', coll]);
  await clients.line('READY', 600_000);
  let seq = 0;
  let writing = true;
  const write = async () => {
    while (writing) {
      const owner = seq % sockets;
      await writer
        .db('bench')
        .collection(coll)
        .insertOne({ seq: seq++, owner: `o${owner}`, tenant: `t${owner}` });
      await new Promise((r) => setTimeout(r, 10)); // ~100 writes/s
    }
  };
  const writes = write();
  await new Promise((r) => setTimeout(r, 500));
  let peak = bridge.stats().mongoStreams;
  const sampler = setInterval(() => {
    peak = Math.max(peak, bridge.stats().mongoStreams);
  }, 5);
  const before = aggregates.length;
  clients.send({ cmd: 'storm' });
  const allResumedMs = Number(await clients.line('STORM ', 600_000));
  clearInterval(sampler);
  const stormAggregates = aggregates.length - before;
  await new Promise((r) => setTimeout(r, 500));
  writing = false;
  await writes;
  await new Promise((r) => setTimeout(r, 1500));
  clients.send({ cmd: 'check', total: seq });
  const [lost, doubled] = (await clients.line('CHECK ')).split(' ').map(Number) as [number, number];
  await stopClients(clients, bridge);
  return { sockets, allResumedMs, peakStreams: peak, aggregates: stormAggregates, lost, doubled };
}

/**
 * The fan-out floor: the same change batch bytes broadcast by a bare socket.io server to the same
 * number of sockets (in a client process), against the bridge's delivery of one write to all.
 */
export async function measureBroadcastFloor(options: { sockets: number[]; writes: number }): Promise<BroadcastRow[]> {
  const db = await startEmbeddedProcess();
  const stack = await startLiveStack(db.uri);
  const writer = await new MongoClient(db.uri).connect();
  const http = createServer();
  const raw = new Server(http);
  raw.of('/mongo-live').on('connection', (socket) => {
    socket.on('watch', (_req: unknown, ack: (r: unknown) => void) =>
      ack({ ok: true, data: { subId: 's', streamId: 'raw' } }),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const rawUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const rows: BroadcastRow[] = [];
  try {
    for (const count of options.sockets) {
      const coll = `broadcast_${count}`;
      const reach = async (target: string, send: (seq: number) => Promise<unknown>) => {
        const clients = startProcess('bench/support/fanoutClients.ts', [target, String(count), 'bench', coll]);
        await clients.line('READY', 300_000);
        const out: number[] = [];
        for (let seq = -1; seq < options.writes; seq++) {
          const t0 = wallMs();
          await send(seq);
          const last = Number((await clients.line(`ARRIVAL ${seq} `, 60_000)).split(' ')[1]);
          if (seq >= 0) out.push(last - t0);
        }
        await clients.stop();
        return summarize(out);
      };
      const bridgeSummary = await reach(stack.url, (seq) => writer.db('bench').collection(coll).insertOne({ seq }));
      // Same bytes as the bridge's batch: a real change event of the same write, encoded the same way.
      const events = writer.db('bench').collection(`${coll}_raw`).watch();
      const rawSummary = await reach(rawUrl, async (seq) => {
        const next = events.next();
        await writer.db('bench').collection(`${coll}_raw`).insertOne({ seq });
        const event = await next;
        raw.of('/mongo-live').emit('change', {
          streamId: 'raw',
          events: [encode(event)],
          postBatchResumeToken: encode(event._id),
        });
      });
      await events.close();
      rows.push({ sockets: count, bridge: bridgeSummary, raw: rawSummary });
    }
  } finally {
    raw.close();
    http.closeAllConnections();
    await writer.close();
    await stack.close();
    await db.stop();
  }
  return rows;
}
