// Throughput and change-event latency of the embedded server through the official driver.
import { EmbeddedMongo } from '@mongo-live/embedded-mongo';
import { MongoClient } from 'mongodb';
import { nowMs, summarize } from '../lib/stats.js';

export interface EmbeddedRow {
  measure: string;
  n: number;
  'docs/s': number | string;
  p50_ms: number | string;
  p99_ms: number | string;
}

/**
 * Inserts per second (sequential insertOne, batched insertMany), a full-scan find, and the latency
 * from insertOne to the driver's `watch()` event. The server runs in this process, as in tests.
 */
export async function measureEmbedded(options: { quick: boolean }): Promise<EmbeddedRow[]> {
  const sequential = options.quick ? 1_000 : 5_000;
  const batchSize = 1_000;
  const batches = options.quick ? 10 : 50;
  const latencySamples = options.quick ? 300 : 2_000;
  const server = await EmbeddedMongo.start();
  const client = await new MongoClient(server.uri).connect();
  const db = client.db('bench');
  const rows: EmbeddedRow[] = [];
  try {
    const seq = db.collection('sequential');
    await seq.insertOne({ warmup: true });
    let started = nowMs();
    for (let i = 0; i < sequential; i++) await seq.insertOne({ i, name: `item ${i}`, tags: ['a', 'b'] });
    rows.push({
      measure: 'insertOne, sequential',
      n: sequential,
      'docs/s': Math.round(sequential / ((nowMs() - started) / 1000)),
      p50_ms: '',
      p99_ms: '',
    });

    const batched = db.collection('batched');
    started = nowMs();
    for (let b = 0; b < batches; b++)
      await batched.insertMany(Array.from({ length: batchSize }, (_, i) => ({ b, i, name: `item ${i}` })));
    const n = batches * batchSize;
    rows.push({
      measure: `insertMany, batches of ${batchSize}`,
      n,
      'docs/s': Math.round(n / ((nowMs() - started) / 1000)),
      p50_ms: '',
      p99_ms: '',
    });

    started = nowMs();
    const found = await batched.find({ i: { $lt: 100 } }).toArray();
    rows.push({
      measure: `find by field, full scan of ${n}`,
      n: found.length,
      'docs/s': Math.round(found.length / ((nowMs() - started) / 1000)),
      p50_ms: '',
      p99_ms: '',
    });

    const watched = db.collection('watched');
    const stream = watched.watch([], { maxAwaitTimeMS: 50 });
    await stream.tryNext(); // watch() is lazy: this opens the server-side stream before we write
    await watched.insertOne({ warmup: true });
    await stream.next();
    const latencies: number[] = [];
    for (let i = 0; i < latencySamples; i++) {
      const t0 = nowMs();
      await watched.insertOne({ i });
      await stream.next();
      latencies.push(nowMs() - t0);
    }
    await stream.close();
    const s = summarize(latencies);
    rows.push({ measure: 'insertOne → watch() event', n: latencySamples, 'docs/s': '', p50_ms: s.p50, p99_ms: s.p99 });
  } finally {
    await client.close();
    await server.stop();
  }
  return rows;
}
