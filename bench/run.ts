// `npm run bench` (and `npm run bench -- --quick`, under a minute): measures mongo-live against
// its own floor in one run, prints tables, writes JSON and SVG plots to bench/results/.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR, writeResult, writeSvg } from './lib/results.js';
import type { Summary } from './lib/stats.js';
import { cdfPoints, linePlot } from './lib/svgPlot.js';
import { formatTable } from './lib/table.js';
import { measureDiffApply } from './scenarios/diffApply.js';
import { measureDispatch } from './scenarios/dispatch.js';
import { measureEmbedded } from './scenarios/embedded.js';
import { measureFanout } from './scenarios/fanout.js';
import { measureFeedDispatch } from './scenarios/feedDispatch.js';
import { measureFeedOverhead } from './scenarios/feedOverhead.js';
import { measureBroadcastFloor, measureFeeds } from './scenarios/feeds.js';
import { measureLatency } from './scenarios/latency.js';
import { measureMemory } from './scenarios/memory.js';
import { measurePages } from './scenarios/pages.js';
import { measurePagesSocket } from './scenarios/pagesSocket.js';
import { measureScale } from './scenarios/scale.js';

const quick = process.argv.includes('--quick');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const want = (name: string) => !only || only.includes(name);
const report: string[] = [`# mongo-live benchmarks (${quick ? 'quick' : 'full'} run, ${new Date().toISOString()})`, ''];
const print = (text: string) => {
  console.log(text);
  report.push('```', text.trim(), '```', '');
};
const ms = (v: number) => Number(v.toFixed(3));

if (want('embedded')) {
  const rows = await measureEmbedded({ quick });
  writeResult('embedded', rows);
  print(formatTable('EmbeddedMongo through the mongodb driver (server in this process)', rows));
}

if (want('latency')) {
  const rates = process.argv
    .find((a) => a.startsWith('--rates='))
    ?.slice(8)
    .split(',')
    .map(Number) ?? [100, 1000];
  const result = await measureLatency({ rates, seconds: quick ? 2 : 8 });
  writeResult('latency', result);
  const row = (rate: number, path: string, lost: number | string, sum: Summary) => ({
    rate: `${rate}/s`,
    path,
    lost,
    n: sum.n,
    p50: ms(sum.p50),
    p99: ms(sum.p99),
  });
  print(
    formatTable(
      'Delivery latency, insert → consumer (ms), consumers in the bridge process. Overhead = per event, (arrival − its path’s getMore reply) − (direct watch() arrival − its reply); arrival gap = the raw difference',
      result.rows.flatMap((r) => [
        row(r.rate, 'driver watch() (floor)', r.lost.direct, r.direct),
        row(r.rate, 'bridge → ChangeStream', r.lost.bridge, r.bridge),
        row(r.rate, 'bridge → LiveQuery store', r.lost.liveQuery, r.liveQuery),
        row(r.rate, 'overhead: a 2nd driver watch()', '', r.secondStream),
        row(r.rate, 'overhead: ChangeStream', '', r.bridgeOverhead),
        row(r.rate, 'overhead: LiveQuery', '', r.liveQueryOverhead),
        row(r.rate, 'arrival gap: ChangeStream', '', r.bridgeArrivalGap),
      ]),
    ),
  );
  writeSvg(
    'latency-cdf',
    linePlot(
      [
        { name: 'driver watch()', points: cdfPoints(result.samples.direct) },
        { name: 'bridge → stream', points: cdfPoints(result.samples.bridge) },
        { name: 'bridge → live query', points: cdfPoints(result.samples.liveQuery) },
      ],
      {
        title: `Delivery latency at ${result.rows.at(-1)?.rate}/s (CDF)`,
        xLabel: 'latency (ms)',
        yLabel: 'fraction of events',
        logX: true,
      },
    ),
  );
}

if (want('fanout')) {
  const rows = await measureFanout({ sockets: quick ? [1, 100, 500] : [1, 100, 1000, 5000], writes: quick ? 10 : 40 });
  writeResult('fanout', rows);
  print(
    formatTable(
      'Fan-out: N sockets (separate process) on one change stream; one write until every socket has it (ms)',
      rows.map((r) => ({
        sockets: r.sockets,
        'mongo streams': r.mongoStreams,
        'reach all p50': ms(r.reachAll.p50),
        'reach all p99': ms(r.reachAll.p99),
        'first→last p50': ms(r.spread.p50),
        'first→last p99': ms(r.spread.p99),
      })),
    ),
  );
  writeSvg(
    'fanout',
    linePlot(
      [
        { name: 'reach all p50', points: rows.map((r) => [r.sockets, r.reachAll.p50]) },
        { name: 'reach all p99', points: rows.map((r) => [r.sockets, r.reachAll.p99]) },
      ],
      { title: 'Fan-out: time for one write to reach every socket', xLabel: 'sockets', yLabel: 'ms', logX: true },
    ),
  );
}

if (want('dispatch')) {
  const rows = await measureDispatch({
    queries: quick ? [1, 100, 1000] : [1, 10, 100, 1000, 10_000],
    writes: quick ? 200 : 1000,
  });
  writeResult('dispatch', rows);
  print(
    formatTable('Live-query dispatch: server CPU per write (µs) with N equality live queries on one collection', rows),
  );
  writeSvg(
    'dispatch',
    linePlot(
      [
        { name: 'CPU per write', points: rows.map((r) => [r.liveQueries, r.cpuPerWriteUs]) },
        { name: 'over driver watch()', points: rows.map((r) => [r.liveQueries, r.overDriverWatchUs]) },
      ],
      {
        title: 'Live-query dispatch cost per write',
        xLabel: 'live queries on the collection',
        yLabel: 'µs CPU per write',
        logX: true,
      },
    ),
  );
}

if (want('feeds')) {
  const dispatch = measureFeedDispatch({ subscriptions: [1, 100, 1000, 10_000], events: quick ? 5000 : 20_000 });
  writeResult('feed-dispatch', dispatch);
  print(
    formatTable(
      'Change-feed dispatch in the bridge: CPU per event (µs) with N watch groups of distinct row filters and pipelines (target ≤ 50 µs at 10,000)',
      dispatch,
    ),
  );
  const result = await measureFeeds({
    subscriptions: quick ? [1, 100, 1000] : [1, 100, 1000, 10_000],
    writes: quick ? 100 : 200,
    stormSockets: quick ? 300 : 1000,
  });
  writeResult('feeds', result);
  print(
    formatTable(
      'Change feeds: N watch subscriptions, distinct row filters (a tenant per socket) and pipelines (an owner each), one collection; writes each for one subscription',
      result.rows.map((r) => ({
        subscriptions: r.subscriptions === 0 ? 'driver watch() (floor)' : r.subscriptions,
        sockets: r.sockets,
        'mongo streams': r.streams,
        'specs evaluated': r.groups,
        'CPU/event µs': r.cpuPerEventUs,
        'write→event p50': ms(r.writeToEvent.p50),
        'write→event p99': ms(r.writeToEvent.p99),
        'bridge find p50': ms(r.find.p50),
        'bridge find p99': ms(r.find.p99),
      })),
    ),
  );
  const s = result.storm;
  print(
    formatTable('Reconnect storm: every socket dropped at once under ~100 writes/s, each resumes from its last token', [
      {
        sockets: s.sockets,
        'all resumed (ms)': ms(s.allResumedMs),
        'peak mongo streams': s.peakStreams,
        '$changeStream aggregates': s.aggregates,
        lost: s.lost,
        doubled: s.doubled,
      },
    ]),
  );
  const overhead = await measureFeedOverhead({ rates: [100], seconds: quick ? 5 : 20 });
  writeResult('feed-overhead', overhead);
  print(
    formatTable(
      'Bridge overhead over a driver watch(), each consumer in its own process (ms; goal p50 ≤ 0.3, p99 ≤ 2). Overhead: (client arrival − bridge getMore reply) − (driver arrival − its getMore reply). Hop: the driver consumer relaying each event over bare socket.io to one more process, the floor of any process in between',
      overhead.map((r) => ({
        'writes/s': r.rate,
        events: r.events,
        'driver watch() p50': ms(r.driver.p50),
        'driver watch() p99': ms(r.driver.p99),
        'bridge p50': ms(r.bridge.p50),
        'bridge p99': ms(r.bridge.p99),
        'overhead p50': ms(r.overhead.p50),
        'overhead p99': ms(r.overhead.p99),
        'hop p50': ms(r.hop.p50),
        'hop p99': ms(r.hop.p99),
        'arrival gap p50': ms(r.arrivalGap.p50),
        lost: r.lost.driver + r.lost.relay + r.lost.bridge,
      })),
    ),
  );
  const broadcast = await measureBroadcastFloor({
    sockets: quick ? [100, 1000] : [1000, 5000],
    writes: quick ? 10 : 30,
  });
  writeResult('feeds-broadcast', broadcast);
  print(
    formatTable(
      'Fan-out floor: one write until every socket has it (ms), the bridge vs a bare socket.io broadcast of the same bytes',
      broadcast.map((b) => ({
        sockets: b.sockets,
        'bridge p50': ms(b.bridge.p50),
        'bridge p99': ms(b.bridge.p99),
        'raw socket.io p50': ms(b.raw.p50),
        'raw socket.io p99': ms(b.raw.p99),
        'p99 ratio': Number((b.bridge.p99 / b.raw.p99).toFixed(2)),
      })),
    ),
  );
  writeSvg(
    'feeds',
    linePlot(
      [
        {
          name: 'CPU per event (µs)',
          points: result.rows.filter((r) => r.subscriptions > 0).map((r) => [r.subscriptions, r.cpuPerEventUs]),
        },
        {
          name: 'write→event p50 (ms ×100)',
          points: result.rows
            .filter((r) => r.subscriptions > 0)
            .map((r) => [r.subscriptions, r.writeToEvent.p50 * 100]),
        },
      ],
      {
        title: 'Change feeds: cost per event vs subscriptions',
        xLabel: 'subscriptions',
        yLabel: 'µs / (ms×100)',
        logX: true,
      },
    ),
  );
}

if (want('engine')) {
  // The live-query engine and the client store alone (no database, no sockets), in a child process.
  const { spawnSync } = await import('node:child_process');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/scenarios/engineMicrobench.ts'], {
    encoding: 'utf8',
  });
  print(`\nLive-query engine and client store, in-process microbenchmarks\n${run.stdout}`);
}

if (want('diff')) {
  const result = measureDiffApply({ size: 10_000, diffs: quick ? 2000 : 20_000 });
  writeResult('diff-apply', result);
  print(
    formatTable(`Client diff apply into a ${result.resultSize}-document sorted result (µs per diff, decode included)`, [
      { ...result.usPerDiff, 'identities changed by one change': result.identitiesChangedPerChange },
    ]),
  );
}

if (want('pages')) {
  const result = measurePages({ runs: quick ? 2000 : 20_000 });
  writeResult('pages', result);
  print(formatTable('Live pages and live counts: bridge CPU per write (µs), in-process', result.rows));
  print(
    formatTable('Client: one page diff applied to a 50-document page (µs)', [{ usPerDiff: result.clientUsPerDiff }]),
  );
  const socket = await measurePagesSocket({ writes: quick ? 100 : 1000 });
  writeResult(
    'pages-socket',
    socket.map(({ samples: _raw, ...row }) => row),
  );
  const ms = (s: { p50: number; p99: number }) => `${s.p50.toFixed(2)} / ${s.p99.toFixed(2)}`;
  print(
    formatTable(
      'Live pages over socket.io: write → page diff in the client, against a driver watch() in the same run (ms, p50 / p99)',
      socket.map((r) => ({
        'loaded pages of 50': r.pages,
        writes: r.writes,
        'floor: driver watch()': ms(r.floor),
        'client page diff': ms(r.pageDiff),
        overhead: ms(r.overhead),
        'process CPU µs/write': r.cpuUsPerWrite,
      })),
    ),
  );
  writeSvg(
    'pages-socket',
    linePlot(
      [
        ...socket.map((r) => ({ name: `${r.pages} page(s): page diff`, points: cdfPoints(r.samples.pageDiff) })),
        { name: 'floor: driver watch()', points: cdfPoints(socket.flatMap((r) => r.samples.floor)) },
      ],
      {
        title: 'Live pages over socket.io: write → page diff (CDF)',
        xLabel: 'latency (ms)',
        yLabel: 'fraction of writes',
        logX: true,
      },
    ),
  );
}

if (want('memory')) {
  const result = await measureMemory({ sockets: quick ? 50 : 200, perSocket: quick ? 20 : 50 });
  writeResult('memory', result);
  print(formatTable('Server memory per idle socket and per idle subscription (bytes of bridge heap)', [{ ...result }]));
}

if (want('scale')) {
  const rows = await measureScale({
    processes: [1, 2, 4],
    sockets: quick ? [200] : [1000, 4000],
    writes: quick ? 10 : 40,
  });
  writeResult('scale', rows);
  print(
    formatTable(
      'Scale-out: sockets spread over N bridge processes (one MongoDB); one write until every socket has it (ms)',
      rows.map((r) => ({
        processes: r.processes,
        sockets: r.sockets,
        'per process': r.socketsPerProcess,
        'reach all p50': ms(r.reachAll.p50),
        'reach all p99': ms(r.reachAll.p99),
        'streams/process': r.streamsPerProcess,
        'streams total': r.streamsTotal,
        'CPU/write/process µs': r.cpuPerWritePerProcessUs,
      })),
    ),
  );
  writeSvg(
    'scale',
    linePlot(
      [...new Set(rows.map((r) => r.sockets))].map((sockets) => ({
        name: `${sockets} sockets, reach all p99`,
        points: rows.filter((r) => r.sockets === sockets).map((r) => [r.processes, r.reachAll.p99] as [number, number]),
      })),
      { title: 'Scale-out: write → all sockets p99 by bridge processes', xLabel: 'bridge processes', yLabel: 'ms' },
    ),
  );
}

if (want('renders')) {
  // Last: it gives the process a DOM (jsdom globals), which the other scenarios must not see.
  await import('./support/jsdomGlobals.js'); // before react-dom loads
  const { measureRenders } = await import('./scenarios/renders.js');
  const result = await measureRenders({ rows: 1000, updates: quick ? 10 : 50 });
  writeResult('renders', result);
  print(
    formatTable('React: memoised rows re-rendered per update of one document (1,000-row useLiveQuery list)', [result]),
  );
}

// A partial run (--only) must not replace the full report: it gets a report of its own.
const reportName = only ? `REPORT-${only.join('-')}.md` : 'REPORT.md';
writeFileSync(join(RESULTS_DIR, reportName), `${report.join('\n')}\n`);
console.log(`\nResults: ${RESULTS_DIR}`);
process.exit(0);
