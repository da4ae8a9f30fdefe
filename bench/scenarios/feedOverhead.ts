import { MongoClient } from 'mongodb';
import { nowMs, type Summary, summarize } from '../lib/stats.js';
import { type LiveStack, startLiveStack } from '../support/liveStack.js';
import { type BenchProcess, startEmbeddedProcess, startProcess } from '../support/processes.js';

export interface FeedOverheadRow {
  rate: number;
  events: number;
  /** Insert → arrival at a driver watch() in its own process. */
  driver: Summary;
  /** Insert → arrival through the raw relay (driver watch() → EJSON text → bare socket.io) in its own process. */
  relay: Summary;
  /** Insert → arrival at a @mongo-live/client watch() in its own process, through the bridge. */
  bridge: Summary;
  /** Per event: arrival through the bridge minus arrival at the driver's watch(). */
  overhead: Summary;
  /** Per event: arrival through the raw relay minus arrival at the driver's watch(): one process hop's floor. */
  hop: Summary;
  lost: { driver: number; relay: number; bridge: number };
}

/**
 * The bridge's delivery overhead over the floor with the consumer in its OWN process, as in an app:
 * one child process watches the collection with the driver, another through the bridge (the
 * client over socket.io), a third through a raw relay running beside the bridge (its own driver
 * watch(), each event emitted as it is on a bare socket.io namespace); the database is a fourth
 * process. All see the same inserts, so overheads are taken per event against the driver's
 * arrival. The relay is the floor of any design that puts a process between MongoDB and the
 * browser: what the bridge adds beyond it is its own.
 */
export async function measureFeedOverhead(options: { rates: number[]; seconds: number }): Promise<FeedOverheadRow[]> {
  const db = await startEmbeddedProcess();
  const stack = await startLiveStack(db.uri);
  const writer = await new MongoClient(db.uri).connect();
  const rows: FeedOverheadRow[] = [];
  try {
    for (const rate of options.rates) {
      const coll = `overhead_${rate}`;
      const target = writer.db('bench').collection(coll);
      const driver = startProcess('bench/support/overheadConsumer.ts', ['driver', db.uri, 'bench', coll]);
      const bridge = startProcess('bench/support/overheadConsumer.ts', ['bridge', stack.url, 'bench', coll]);
      const relayed = startRelay(stack, coll);
      const relay = startProcess('bench/support/overheadConsumer.ts', ['relay', `${stack.url}/relay`, 'bench', coll]);
      try {
        await Promise.all([driver.line('SUBSCRIBED'), bridge.line('SUBSCRIBED'), relay.line('SUBSCRIBED')]);
        // Warm-up inserts until every stream delivered one.
        const ready = Promise.all([driver.line('READY'), bridge.line('READY'), relay.line('READY')]);
        let warm = true;
        void ready.finally(() => {
          warm = false;
        });
        while (warm) {
          await target.insertOne({ seq: -1 });
          await Promise.race([ready, sleep(100)]);
        }
        const total = Math.max(1, Math.round(rate * options.seconds));
        const wrote = new Map<number, number>();
        const interval = 1000 / rate;
        const start = nowMs();
        for (let seq = 0; seq < total; seq++) {
          const wait = start + seq * interval - nowMs();
          if (wait > 1) await sleep(wait);
          wrote.set(seq, nowMs());
          await target.insertOne({ seq, at: new Date() });
        }
        await sleep(1000);
        const [driverAt, bridgeAt, relayAt] = await Promise.all([arrivals(driver), arrivals(bridge), arrivals(relay)]);
        const lat = (at: Map<number, number>) => [...wrote].filter(([s]) => at.has(s)).map(([s, t]) => at.get(s)! - t);
        const over = (at: Map<number, number>) =>
          [...wrote.keys()].filter((s) => driverAt.has(s) && at.has(s)).map((s) => at.get(s)! - driverAt.get(s)!);
        rows.push({
          rate,
          events: total,
          driver: summarize(lat(driverAt)),
          relay: summarize(lat(relayAt)),
          bridge: summarize(lat(bridgeAt)),
          overhead: summarize(over(bridgeAt)),
          hop: summarize(over(relayAt)),
          lost: {
            driver: total - lat(driverAt).length,
            relay: total - lat(relayAt).length,
            bridge: total - lat(bridgeAt).length,
          },
        });
      } finally {
        await Promise.all([driver.stop(), bridge.stop(), relay.stop()]);
        await relayed.close();
      }
    }
  } finally {
    await writer.close();
    await stack.close();
    await db.stop();
  }
  return rows;
}

/**
 * The raw relay: a driver watch() beside the bridge, each event emitted as it is on `/relay` (plain
 * JSON: not type-faithful, the least any relay can do).
 */
function startRelay(stack: LiveStack, coll: string): { close(): Promise<void> } {
  const nsp = stack.io.of('/relay');
  const change = stack.mongo.db('bench').collection(coll).watch();
  change.on('change', (event) => nsp.emit('change', event));
  change.on('error', () => undefined);
  return { close: () => change.close() };
}

async function arrivals(proc: BenchProcess): Promise<Map<number, number>> {
  const reply = proc.line('ARRIVALS');
  proc.send('report');
  return new Map(JSON.parse(await reply) as Array<[number, number]>);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
