import { MongoClient } from 'mongodb';
import { nowMs, type Summary, summarize } from '../lib/stats.js';
import { startLiveStack } from '../support/liveStack.js';
import { type BenchProcess, startEmbeddedProcess, startProcess } from '../support/processes.js';
import { anchoredOverhead, recordReplyTimes } from '../support/replyTimes.js';

export interface FeedOverheadRow {
  rate: number;
  events: number;
  /** Insert → arrival at a driver watch() in its own process. */
  driver: Summary;
  /** Insert → arrival at a process the driver consumer relays each event to over bare socket.io. */
  relay: Summary;
  /** Insert → arrival at a @mongo-live/client watch() in its own process, through the bridge. */
  bridge: Summary;
  /**
   * Per event, the bridge's overhead over the driver's watch(): (client arrival − the bridge's
   * getMore reply) − (driver consumer arrival − its getMore reply). Each path is anchored at the
   * moment its own process had the event from MongoDB, so the order MongoDB answers the cursors in
   * does not count.
   */
  overhead: Summary;
  /** Per event: arrival through the bridge minus arrival at the driver's watch(), as they fell. */
  arrivalGap: Summary;
  /** Per event: arrival through the relay minus arrival at the driver's watch(): one socket.io process hop. */
  hop: Summary;
  lost: { driver: number; relay: number; bridge: number };
}

/**
 * The bridge's delivery overhead over the floor with the consumer in its OWN process, as in an app:
 * one child process watches the collection with the driver, another through the bridge (the
 * client over socket.io); the database is a third process, the bridge runs here. All see the same
 * inserts, so overheads are taken per event against the driver consumer's arrival. The driver
 * consumer also relays each event it gets over bare socket.io to a fourth process: that arrival
 * minus its own is one more process hop, from the same stream, with nothing of mongo-live in it;
 * the floor of any design that puts a process between MongoDB and the browser.
 */
export async function measureFeedOverhead(options: { rates: number[]; seconds: number }): Promise<FeedOverheadRow[]> {
  const db = await startEmbeddedProcess();
  const stack = await startLiveStack(db.uri, {}, { monitorCommands: true });
  const bridgeReplies = recordReplyTimes(stack.mongo);
  const writer = await new MongoClient(db.uri).connect();
  const rows: FeedOverheadRow[] = [];
  try {
    for (const rate of options.rates) {
      const coll = `overhead_${rate}`;
      const target = writer.db('bench').collection(coll);
      const driver = startProcess('bench/support/overheadConsumer.ts', ['driver', db.uri, 'bench', coll]);
      const bridge = startProcess('bench/support/overheadConsumer.ts', ['bridge', stack.url, 'bench', coll]);
      const relay = startProcess('bench/support/overheadConsumer.ts', [
        'relay',
        await driver.line('RELAY'),
        'bench',
        coll,
      ]);
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
        const [driverReport, bridgeReport, relayReport] = await Promise.all([
          report(driver),
          report(bridge),
          report(relay),
        ]);
        const driverAt = driverReport.arrivals;
        const bridgeAt = bridgeReport.arrivals;
        const relayAt = relayReport.arrivals;
        const lat = (at: Map<number, number>) => [...wrote].filter(([s]) => at.has(s)).map(([s, t]) => at.get(s)! - t);
        const over = (at: Map<number, number>) =>
          [...wrote.keys()].filter((s) => driverAt.has(s) && at.has(s)).map((s) => at.get(s)! - driverAt.get(s)!);
        rows.push({
          rate,
          events: total,
          driver: summarize(lat(driverAt)),
          relay: summarize(lat(relayAt)),
          bridge: summarize(lat(bridgeAt)),
          arrivalGap: summarize(over(bridgeAt)),
          overhead: summarize(
            anchoredOverhead(wrote.keys(), { arrivals: bridgeAt, replies: bridgeReplies }, driverReport),
          ),
          hop: summarize(over(relayAt)),
          lost: {
            driver: total - lat(driverAt).length,
            relay: total - lat(relayAt).length,
            bridge: total - lat(bridgeAt).length,
          },
        });
      } finally {
        await Promise.all([driver.stop(), bridge.stop(), relay.stop()]);
      }
    }
  } finally {
    await writer.close();
    await stack.close();
    await db.stop();
  }
  return rows;
}

/** A consumer's report: when each event reached its listener, and (driver) when its getMore reply arrived. */
async function report(proc: BenchProcess): Promise<{ arrivals: Map<number, number>; replies: Map<number, number> }> {
  const replies = proc.line('REPLIES');
  const arrivals = proc.line('ARRIVALS');
  proc.send('report');
  const toMap = async (line: Promise<string>) => new Map(JSON.parse(await line) as Array<[number, number]>);
  return { arrivals: await toMap(arrivals), replies: await toMap(replies) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
