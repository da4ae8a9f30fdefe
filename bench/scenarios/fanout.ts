import { MongoClient } from 'mongodb';
import { nowMs, type Summary, summarize } from '../lib/stats.js';
import { startLiveStack } from '../support/liveStack.js';
import { startEmbeddedProcess, startProcess } from '../support/processes.js';

export interface FanoutRow {
  sockets: number;
  /** MongoDB change streams the bridge had open while all sockets were subscribed (must be 1). */
  mongoStreams: number;
  subscriptions: number;
  /** Per write: from just before insertOne until the LAST socket received the event (ms). */
  reachAll: Summary;
  /** Per write: first to last socket (ms): the cost of the fan-out itself. */
  spread: Summary;
}

/**
 * Fan-out: N sockets (socket.io-client, in a separate process) subscribed to the same change stream.
 * One MongoDB stream must serve them all; measures when a write has reached every socket.
 */
export async function measureFanout(options: { sockets: number[]; writes: number }): Promise<FanoutRow[]> {
  const db = await startEmbeddedProcess();
  const stack = await startLiveStack(db.uri);
  const writer = await new MongoClient(db.uri).connect();
  const wallMs = () => performance.timeOrigin + performance.now();
  const rows: FanoutRow[] = [];
  try {
    for (const count of options.sockets) {
      const coll = `fanout_${count}`;
      const clients = startProcess('bench/support/fanoutClients.ts', [stack.url, String(count), 'bench', coll]);
      await clients.line('READY', 300_000);
      const stats = stack.bridge.stats();
      const reach: number[] = [];
      const spread: number[] = [];
      // Warm-up write, then measured writes one at a time (each waits until all sockets have it).
      for (let seq = -1; seq < options.writes; seq++) {
        const t0 = wallMs();
        await writer.db('bench').collection(coll).insertOne({ seq });
        const [, first, last] = (await clients.line(`ARRIVAL ${seq} `, 60_000).then((l) => `${seq} ${l}`))
          .split(' ')
          .map(Number) as [number, number, number];
        if (seq >= 0) {
          reach.push(last - t0);
          spread.push(last - first);
        }
      }
      rows.push({
        sockets: count,
        mongoStreams: stats.mongoStreams,
        subscriptions: stats.subscriptions,
        reachAll: summarize(reach),
        spread: summarize(spread),
      });
      await clients.stop();
      const deadline = nowMs() + 10_000;
      while (stack.bridge.stats().sockets > 0 && nowMs() < deadline) await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await writer.close();
    await stack.close();
    await db.stop();
  }
  return rows;
}
