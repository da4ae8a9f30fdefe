import { monitorEventLoopDelay } from 'node:perf_hooks';
import { encode } from '@mongo-live/protocol';
import type { Authorize } from '@mongo-live/server-bridge';
import fc from 'fast-check';
import { BSONRegExp, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Recorder, request, startHarness, type TestSocket, until, watch } from '../bridge/harness.js';

// 10,000+ random and mutated requests, including the payloads of the security issue, from users
// with a row filter and a hidden field, while an observer keeps a live query and a change stream:
// the observer gets every event and never a hidden value; heap growth and event-loop lag are
// reported (bounds on heap only, generous).

let h: Harness;
let db: string;
const authorize: Authorize = (req, socket) => {
  const user = socket.data?.user as string | undefined;
  if (!user || req.db !== db) return false;
  return { filter: { owner: user }, projection: { secret: 0 } };
};

beforeAll(async () => {
  h = await startHarness({ authorize, limits: { maxQueryResults: 200 } });
  db = h.mongo.dbName;
});
afterAll(() => h?.close());

const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

function attacks(): Array<{ event: string; payload: Document }> {
  const coll = { db, collection: 'fz' };
  const filters: Document[] = [
    { '__proto__.secret': 1 },
    { $expr: { $gt: [{ $size: { $range: [0, 2_000_000] } }, 0] } },
    { $expr: { $regexMatch: { input: '$name', regex: '^(a+)+$' } } },
    { $expr: { $cond: [{ $gt: ['$n', 3] }, { $toInt: 'x' }, true] } },
    { name: encode(new BSONRegExp('(x+x+)+y')) as Document },
    { secret: { $exists: true } },
    { $comment: 'ok', owner: 'ann' },
  ];
  return [
    ...filters.map((filter, i) => ({ event: 'query', payload: { v: 1, subId: `f${i}`, ...coll, filter } })),
    ...filters.map((filter) => ({ event: 'find', payload: { v: 1, ...coll, filter } })),
    { event: 'find', payload: { v: 1, ...coll, projection: { '__proto__.secret': 1 } } },
    { event: 'find', payload: { v: 1, ...coll, skip: 1e12, limit: 1 } },
    { event: 'find', payload: { v: 1, ...coll, sort: [['constructor.prototype', 1]] } },
    {
      event: 'watch',
      payload: { v: 1, subId: 'r', target: coll, pipeline: [{ $addFields: { x: { $range: [0, 1e9] } } }] },
    },
    {
      event: 'watch',
      payload: { v: 1, subId: 'c', target: coll, pipeline: [{ $addFields: { 'constructor.prototype.x': 1 } }] },
    },
    {
      event: 'watch',
      payload: { v: 1, subId: 's', target: coll, pipeline: [{ $addFields: { s: '$fullDocument.secret' } }] },
    },
    { event: 'watch', payload: { v: 1, subId: 'e', target: coll, options: { showExpandedEvents: true } } },
  ];
}

function requests(count: number, seed: number): Array<{ event: string; payload: unknown }> {
  const base = attacks();
  const crafted = fc.constantFrom(...base);
  const mutated = fc
    .tuple(
      fc.constantFrom(...base),
      fc.constantFrom('filter', 'projection', 'pipeline', 'sort', 'skip', 'limit', 'subId', '__proto__.x', 'v'),
      fc.jsonValue({ maxDepth: 4 }),
    )
    .map(([r, key, value]) => ({ event: r.event as string, payload: { ...(r.payload as Document), [key]: value } }));
  const random = fc
    .tuple(
      fc.oneof(fc.constantFrom('watch', 'query', 'find', 'unsubscribe'), fc.string({ maxLength: 12 })),
      fc.jsonValue({ maxDepth: 5 }),
    )
    .map(([event, payload]) => ({ event, payload }));
  return fc.sample(fc.oneof(crafted, mutated, random), { numRuns: count, seed }).filter((r) => !RESERVED.has(r.event));
}

describe('security fuzz', () => {
  it('10,000 hostile requests: no leak, no pollution, the observer gets every event; heap and lag reported', async () => {
    const coll = h.mongo.db.collection('fz');
    const observer = await h.connect({ auth: { user: 'bob' } });
    const rec = new Recorder(observer);
    const updates: Document[] = [];
    observer.on('query:update', (u) => updates.push(u as Document));
    const { streamId } = await watch(observer, 'w', { db, collection: 'fz' });
    const live = await request(observer, 'query', { v: 1, subId: 'lq', db, collection: 'fz', limit: 100 });
    expect(live.ok).toBe(true);
    const attackers: TestSocket[] = [];
    for (let i = 0; i < 4; i++) attackers.push(await h.connect({ auth: { user: i % 2 ? 'ann' : 'eve' } }));

    const messages = requests(10_000, 7);
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let expected = 0;
    let acks = 0;
    let bobWrites = 0;
    const started = performance.now();
    for (let i = 0; i < messages.length; i++) {
      const { event, payload } = messages[i]!;
      const socket = attackers[i % attackers.length]!;
      expected++;
      (socket.emit as (...a: unknown[]) => void)(event, payload, () => acks++);
      if (i % 200 === 0) {
        await coll.insertOne({ owner: 'bob', n: bobWrites++, secret: 'bob-secret', name: 'aaaa' });
        await coll.insertOne({ owner: 'ann', n: i, secret: 'ann-secret', name: 'aaaa' });
        await new Promise((r) => setImmediate(r));
      }
    }
    await until('every ack', () => acks === expected, 120_000);
    const elapsed = performance.now() - started;
    await until('observer got every event', () => rec.events(streamId).length >= bobWrites, 60_000);
    await until(
      'observer live query current',
      () => updates.length > 0 && rec.events(streamId).length >= bobWrites,
      60_000,
    );
    lag.disable();
    global.gc?.();
    const heapAfter = process.memoryUsage().heapUsed;
    const seen = JSON.stringify([rec.batches, updates]);
    expect(rec.events(streamId).map((e) => e.fullDocument.n)).toEqual(Array.from({ length: bobWrites }, (_, i) => i));
    expect(seen).not.toContain('secret');
    expect(seen).not.toContain('ann');
    expect(({} as Record<string, unknown>).secret).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    for (const socket of attackers) expect(socket.connected).toBe(true);
    const growth = (heapAfter - heapBefore) / 2 ** 20;
    console.log(
      `security fuzz: ${messages.length} requests in ${(elapsed / 1000).toFixed(1)} s; heap ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB; event-loop lag p50 ${(lag.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms, max ${(lag.max / 1e6).toFixed(1)} ms`,
    );
    expect(growth).toBeLessThan(256);
    for (const socket of attackers) socket.disconnect();
    observer.disconnect();
  }, 240_000);
});
