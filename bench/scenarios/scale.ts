import { MongoClient } from 'mongodb';
import { BridgeNode } from '../../test/scale/support/cluster.js';
import { type Summary, summarize } from '../lib/stats.js';
import { startEmbeddedProcess, startProcess } from '../support/processes.js';

export interface ScaleRow {
  processes: number;
  sockets: number;
  /** Sockets per bridge process. */
  socketsPerProcess: number;
  /** Per write: just before insertOne until the LAST socket (over all processes) had it (ms). */
  reachAll: Summary;
  /** MongoDB change streams open, per process and in total (one per process and scope). */
  streamsPerProcess: number;
  streamsTotal: number;
  /** Bridge CPU per write, per process (µs, user+system, over the measured writes, idle work included). */
  cpuPerWritePerProcessUs: number;
  /** Writes measured. */
  writes: number;
}

/**
 * Scale-out: the same sockets spread over 1, 2 or 4 bridge processes (each its own process, on one
 * MongoDB in its own process), all subscribed to one collection's change stream; one write at a
 * time until every socket has it. On this 2-core machine every process (bridges, clients, MongoDB)
 * shares the same two cores, so the figures show the cost structure, not a cluster's throughput.
 */
export async function measureScale(options: { processes: number[]; sockets: number[]; writes: number }) {
  const db = await startEmbeddedProcess();
  const writer = await new MongoClient(db.uri).connect();
  const wallMs = () => performance.timeOrigin + performance.now();
  const rows: ScaleRow[] = [];
  try {
    for (const processes of options.processes)
      for (const sockets of options.sockets) {
        // The bridge processes of the scale tests (test/scale/support/bridgeNode.ts), websocket-only.
        const nodes = Array.from(
          { length: processes },
          (_, i) => new BridgeNode({ uri: db.uri, name: `bench-${i + 1}`, transports: ['websocket'] }),
        );
        const urls = (await Promise.all(nodes.map((n) => n.start()))).map((p) => `http://127.0.0.1:${p}`);
        const coll = `scale_${processes}_${sockets}`;
        const clients = startProcess('bench/support/fanoutClients.ts', [
          urls.join(','),
          String(sockets),
          'bench',
          coll,
        ]);
        await clients.line('READY', 300_000);
        const reach: number[] = [];
        const before = await Promise.all(nodes.map((n) => n.stats()));
        for (let seq = -3; seq < options.writes; seq++) {
          const t0 = wallMs();
          await writer.db('bench').collection(coll).insertOne({ seq });
          const last = Number((await clients.line(`ARRIVAL ${seq} `, 60_000)).split(' ')[1]);
          if (seq >= 0) reach.push(last - t0);
        }
        const after = await Promise.all(nodes.map((n) => n.stats()));
        const cpu = after.map((a, i) => a.cpu.user + a.cpu.system - (before[i]!.cpu.user + before[i]!.cpu.system));
        rows.push({
          processes,
          sockets,
          socketsPerProcess: Math.round(after.reduce((s, a) => s + a.sockets, 0) / processes),
          reachAll: summarize(reach),
          streamsPerProcess: Math.max(...after.map((a) => a.mongoStreams)),
          streamsTotal: after.reduce((s, a) => s + a.mongoStreams, 0),
          cpuPerWritePerProcessUs: Math.round(cpu.reduce((s, c) => s + c, 0) / processes / options.writes),
          writes: options.writes,
        });
        await clients.stop();
        await Promise.all(nodes.map((n) => n.terminate()));
      }
  } finally {
    await writer.close();
    await db.stop();
  }
  return rows;
}
