import { type Document, MongoClient } from 'mongodb';
import { nowMs, type Summary, summarize } from '../lib/stats.js';
import { startDeliveryRig } from '../support/liveStack.js';
import { anchoredOverhead, recordReplyTimes } from '../support/replyTimes.js';

export interface LatencyRow {
  rate: number;
  events: number;
  direct: Summary;
  bridge: Summary;
  liveQuery: Summary;
  /** Events that never arrived, per path (should be 0). */
  lost: { direct: number; bridge: number; liveQuery: number };
  /**
   * Per event, a second plain driver watch() (a client of its own) against the first, timed like
   * the overheads below: what is left of "being another change stream of the same server" once each
   * path is anchored at its own getMore reply (≈ 0 when the method works).
   */
  secondStream: Summary;
  /**
   * Per event: (arrival through the bridge − the bridge's getMore reply) − (arrival at the direct
   * watch() − its reply). Anchoring each path at its own reply takes out the order in which
   * MongoDB answers the waiting cursors, which moves raw arrival gaps by up to a millisecond.
   */
  bridgeOverhead: Summary;
  /** The same for the live-query store. */
  liveQueryOverhead: Summary;
  /** Per event, as they fell: arrival through the bridge minus arrival at the direct watch(). */
  bridgeArrivalGap: Summary;
}

export interface LatencyResult {
  rows: LatencyRow[];
  /** Raw latencies of the highest rate, for the distribution plot (ms). */
  samples: { direct: number[]; bridge: number[]; liveQuery: number[] };
}

/**
 * Delivery latency of one insert, from just before `insertOne` to its arrival at: the driver's own
 * `watch()` (the floor), a client ChangeStream through the bridge, and a live query's store. All three
 * consumers see the same events, so the overhead is measured per event against the floor.
 */
export async function measureLatency(options: { rates: number[]; seconds: number }): Promise<LatencyResult> {
  const rig = await startDeliveryRig({ monitorCommands: true });
  const { stack, writer, watcher, live } = rig;
  const secondClient = await new MongoClient(rig.uri, { monitorCommands: true }).connect();
  const replies = {
    bridge: recordReplyTimes(stack.mongo),
    direct: recordReplyTimes(watcher),
    second: recordReplyTimes(secondClient),
  };
  const rows: LatencyRow[] = [];
  let samples: LatencyResult['samples'] = { direct: [], bridge: [], liveQuery: [] };
  try {
    for (const rate of options.rates) {
      const coll = `latency_${rate}`;
      const wrote = new Map<number, number>();
      const direct = new Map<number, number>();
      const bridge = new Map<number, number>();
      const liveQuery = new Map<number, number>();
      const seqOf = (doc: Document | undefined) => (typeof doc?.seq === 'number' ? doc.seq : -1);

      const second = new Map<number, number>();
      const secondWatch = secondClient.db('bench').collection(coll).watch();
      secondWatch.on('error', () => undefined);
      secondWatch.on('change', (e) => {
        if (e.operationType === 'insert') second.set(seqOf(e.fullDocument), nowMs());
      });
      const baseline = watcher.db('bench').collection(coll).watch();
      baseline.on('error', () => undefined); // closing the client at the end interrupts it
      baseline.on('change', (e) => {
        if (e.operationType === 'insert') direct.set(seqOf(e.fullDocument), nowMs());
      });
      const stream = live.db('bench').collection(coll).watch();
      stream.on('change', (e) => {
        if (e.operationType === 'insert') bridge.set(seqOf(e.fullDocument as Document), nowMs());
      });
      // Concurrent inserts may commit slightly out of `seq` order: a window of 500 is deep enough that
      // every document enters it (in a window of 20, a late commit can rank below it and never show).
      const query = live
        .db('bench')
        .collection(coll)
        .liveQuery({}, { sort: { seq: -1 }, limit: 500 });
      query.subscribe(() => {
        const t = nowMs();
        for (const doc of query.getSnapshot().docs) {
          const seq = seqOf(doc);
          if (!liveQuery.has(seq)) liveQuery.set(seq, t);
        }
      });
      await query.ready();
      // Let both change streams get established (a first event flows through each).
      await writer.db('bench').collection(coll).insertOne({ seq: -1 });
      await waitFor(
        () => direct.has(-1) && bridge.has(-1) && liveQuery.has(-1),
        10_000,
        () => `warm-up: direct ${direct.has(-1)} bridge ${bridge.has(-1)} liveQuery ${liveQuery.has(-1)}`,
      );

      const total = Math.max(1, Math.round(rate * options.seconds));
      const interval = 1000 / rate;
      const start = nowMs();
      const pending: Promise<unknown>[] = [];
      for (let seq = 0; seq < total; seq++) {
        const due = start + seq * interval;
        const wait = due - nowMs();
        if (wait > 1) await sleep(wait);
        wrote.set(seq, nowMs());
        pending.push(writer.db('bench').collection(coll).insertOne({ seq, at: new Date() }));
        if (pending.length > 256) await Promise.all(pending.splice(0));
      }
      await Promise.all(pending);
      // Wait for every event, but report (rather than hide) any that never arrive.
      await waitFor(
        () => direct.size > total && bridge.size > total && liveQuery.size > total,
        5_000,
        () =>
          `${rate}/s: ${total} written, arrived direct ${direct.size - 1} bridge ${bridge.size - 1} liveQuery ${liveQuery.size - 1}; missing in live query: ${[...wrote.keys()].filter((s) => !liveQuery.has(s)).slice(0, 20)}; live query now: ${query.getSnapshot().docs.map(seqOf)}`,
      );
      await stream.close();
      query.close();
      await baseline.close();
      await secondWatch.close();

      const lat = (arrivals: Map<number, number>) =>
        [...wrote].filter(([s]) => arrivals.has(s)).map(([s, t]) => arrivals.get(s)! - t);
      const gap = (arrivals: Map<number, number>) =>
        [...wrote].filter(([s]) => arrivals.has(s) && direct.has(s)).map(([s]) => arrivals.get(s)! - direct.get(s)!);
      const overhead = (arrivals: Map<number, number>, reply: Map<number, number>) =>
        anchoredOverhead(wrote.keys(), { arrivals, replies: reply }, { arrivals: direct, replies: replies.direct });
      rows.push({
        rate,
        events: total,
        direct: summarize(lat(direct)),
        bridge: summarize(lat(bridge)),
        liveQuery: summarize(lat(liveQuery)),
        lost: {
          direct: total - lat(direct).length,
          bridge: total - lat(bridge).length,
          liveQuery: total - lat(liveQuery).length,
        },
        secondStream: summarize(overhead(second, replies.second)),
        bridgeOverhead: summarize(overhead(bridge, replies.bridge)),
        liveQueryOverhead: summarize(overhead(liveQuery, replies.bridge)),
        bridgeArrivalGap: summarize(gap(bridge)),
      });
      samples = { direct: lat(direct), bridge: lat(bridge), liveQuery: lat(liveQuery) };
    }
  } finally {
    await secondClient.close();
    await rig.close();
  }
  return { rows, samples };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(predicate: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = nowMs() + timeoutMs;
  while (!predicate()) {
    if (nowMs() > deadline) {
      console.error(`bench: not every event arrived (${describe()})`);
      return;
    }
    await sleep(5);
  }
}
