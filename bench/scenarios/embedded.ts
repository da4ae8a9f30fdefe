// Throughput and change-event latency of the embedded server through the official driver.
// Run: npx tsx bench/embedded-mongo.ts [--quick]   (from packages/embedded-mongo)
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { EmbeddedMongo } from '../src/index.js';

const quick = process.argv.includes('--quick');
const SEQUENTIAL_INSERTS = quick ? 1_000 : 5_000;
const BATCH_SIZE = 1_000;
const BATCHES = quick ? 10 : 50;
const LATENCY_SAMPLES = quick ? 300 : 2_000;

function percentile(sorted: number[], p: number): number {
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

function table(rows: Array<Record<string, string | number>>): string {
  const columns = Object.keys(rows[0] ?? {});
  const text = (v: string | number | undefined) =>
    typeof v === 'number' ? v.toFixed(Number.isInteger(v) ? 0 : 3) : (v ?? '');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padStart(widths[i]!)).join('  ');
  return [
    line(columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => line(columns.map((c) => text(r[c])))),
  ].join('\n');
}

const server = await EmbeddedMongo.start();
const client = await new MongoClient(server.uri).connect();
const db = client.db('bench');
const rows: Array<Record<string, string | number>> = [];

{
  const coll = db.collection('sequential');
  await coll.insertOne({ warmup: true });
  const started = performance.now();
  for (let i = 0; i < SEQUENTIAL_INSERTS; i++) await coll.insertOne({ i, name: `item ${i}`, tags: ['a', 'b'] });
  const seconds = (performance.now() - started) / 1000;
  rows.push({
    measure: 'insertOne, sequential',
    n: SEQUENTIAL_INSERTS,
    'docs/s': Math.round(SEQUENTIAL_INSERTS / seconds),
    p50_ms: '',
    p99_ms: '',
  });
}

{
  const coll = db.collection('batched');
  const started = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    await coll.insertMany(Array.from({ length: BATCH_SIZE }, (_, i) => ({ b, i, name: `item ${i}` })));
  }
  const seconds = (performance.now() - started) / 1000;
  const n = BATCHES * BATCH_SIZE;
  rows.push({
    measure: `insertMany, batches of ${BATCH_SIZE}`,
    n,
    'docs/s': Math.round(n / seconds),
    p50_ms: '',
    p99_ms: '',
  });
}

{
  const coll = db.collection('batched');
  const started = performance.now();
  const docs = await coll.find({ i: { $lt: 100 } }).toArray();
  const seconds = (performance.now() - started) / 1000;
  rows.push({
    measure: `find by field, full scan of ${BATCHES * BATCH_SIZE}`,
    n: docs.length,
    'docs/s': Math.round(docs.length / seconds),
    p50_ms: '',
    p99_ms: '',
  });
}

{
  const coll = db.collection('watched');
  const stream = coll.watch([], { maxAwaitTimeMS: 50 });
  await stream.tryNext(); // watch() is lazy: this opens the server-side stream before we write
  await coll.insertOne({ warmup: true });
  await stream.next();
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const started = performance.now();
    await coll.insertOne({ i });
    await stream.next();
    latencies.push(performance.now() - started);
  }
  await stream.close();
  latencies.sort((a, b) => a - b);
  rows.push({
    measure: 'insertOne → watch() event',
    n: LATENCY_SAMPLES,
    'docs/s': '',
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
  });
}

console.log(`\nEmbeddedMongo through the mongodb driver (${quick ? 'quick' : 'full'} run, Node ${process.version})\n`);
console.log(table(rows));
await client.close();
await server.stop();
