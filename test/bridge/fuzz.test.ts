import { allowAll } from '@mongo-live/server-bridge';
import fc from 'fast-check';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Recorder, request, startHarness, type TestSocket, until, watch } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ authorize: allowAll });
});
afterAll(() => h?.close());

const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

function deep(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { $and: [v] };
  return v;
}

/** Messages a hostile or buggy client might send: random, and random mutations of valid ones. */
function hostileMessages(count: number, seed: number): Array<{ event: string; args: unknown[] }> {
  const valid = {
    watch: { v: 1, subId: 's', target: { db: 'd', collection: 'c' }, pipeline: [{ $match: {} }], options: {} },
    query: { v: 1, subId: 'q', db: 'd', collection: 'c', filter: {}, sort: [['a', 1]], limit: 1 },
    find: { v: 1, db: 'd', collection: 'c' },
    unsubscribe: { v: 1, subId: 's' },
  } as Record<string, Document>;
  const special = fc.constantFrom<unknown>(
    JSON.parse('{"__proto__":{"polluted":true}}'),
    JSON.parse('{"v":1,"subId":"p","target":{"constructor":{"prototype":{"x":1}}}}'),
    { v: 1, subId: 'x'.repeat(10_000), target: {} },
    { v: 1, subId: 'big', target: {}, pipeline: [{ $match: { a: 'y'.repeat(200_000) } }] },
    { v: 1, subId: 'deep', target: {}, pipeline: [{ $match: deep(200, 1) }] },
    deep(500, 'x'),
    { v: 99, subId: 's', target: {} },
    { v: '1', subId: 's', target: {} },
    { v: 1, subId: ['s'], target: 'all' },
    { v: 1, subId: 's', target: {}, pipeline: [{ $lookup: { from: 'x' } }] },
    { v: 1, subId: 's', target: {}, pipeline: [{ $match: { $expr: { $function: {} } } }] },
    { v: 1, subId: 's', target: {}, options: { resumeAfter: { $oid: 'nope' } } },
    { v: 1, subId: 's', target: {}, options: { startAtOperationTime: { $timestamp: { t: -1, i: 'x' } } } },
    { v: 1, db: 'd', collection: 'c', filter: { $where: 'while(true){}' } },
    { v: 1, db: 'd', collection: 'c', filter: { a: { $date: 'not a date' } } },
    null,
    42,
    'watch',
    [],
  );
  const mutated = fc
    .tuple(fc.constantFrom(...Object.keys(valid)), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 4 }))
    .map(([event, key, value]) => ({ event, args: [{ ...valid[event], [key]: value }] }));
  const random = fc
    .tuple(
      fc.oneof(fc.constantFrom('watch', 'query', 'find', 'unsubscribe'), fc.string({ maxLength: 20 })),
      fc.array(fc.oneof(fc.jsonValue({ maxDepth: 6 }), special), { maxLength: 3 }),
    )
    .map(([event, args]) => ({ event, args }));
  const crafted = fc
    .tuple(fc.constantFrom('watch', 'query', 'find', 'unsubscribe'), special)
    .map(([event, arg]) => ({ event, args: [arg] }));
  return fc.sample(fc.oneof(mutated, random, crafted), { numRuns: count, seed }).filter((m) => !RESERVED.has(m.event));
}

describe('fuzz: thousands of malformed messages', () => {
  it('the process survives, memory stays bounded, and another socket keeps receiving its events', async () => {
    const victim = await h.connect();
    const recVictim = new Recorder(victim);
    const sub = await watch(victim, 'v', { db: h.mongo.dbName, collection: 'victim' });
    const attackers: TestSocket[] = [await h.connect(), await h.connect(), await h.connect()];
    const heapBefore = process.memoryUsage().heapUsed;
    const messages = hostileMessages(4000, 42);
    let expectedAcks = 0;
    let acks = 0;
    const badAcks: unknown[] = [];
    const c = h.mongo.db.collection('victim');
    let inserted = 0;
    for (let i = 0; i < messages.length; i++) {
      const { event, args } = messages[i]!;
      const socket = attackers[i % attackers.length]!;
      const withAck = i % 5 !== 0;
      if (withAck) {
        expectedAcks++;
        (socket.emit as (...a: unknown[]) => void)(event, ...args, (result: unknown) => {
          acks++;
          const r = result as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
          if (typeof r?.ok !== 'boolean' || (r.ok === false && typeof r.error?.message !== 'string')) badAcks.push(r);
        });
      } else (socket.emit as (...a: unknown[]) => void)(event, ...args);
      if (i % 100 === 0) {
        await c.insertOne({ _id: inserted++ } as Document);
        await new Promise((r) => setImmediate(r));
      }
    }
    await until('every ack answered', () => acks === expectedAcks, 60_000);
    expect(badAcks).toEqual([]);
    await until('the victim got every event', () => recVictim.events(sub.streamId).length >= inserted, 60_000);
    expect(recVictim.events(sub.streamId).map((e) => e.documentKey._id)).toEqual(
      Array.from({ length: inserted }, (_, i) => i),
    );
    expect(recVictim.streamErrors).toEqual([]);
    // Nothing polluted, every attacker still connected and served.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    for (const socket of attackers) {
      expect(socket.connected).toBe(true);
      const unknown = await request(socket, 'nope' as 'watch', { v: 1 } as never);
      expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      const fine = await request(socket, 'watch', { v: 1, subId: 'after-fuzz', target: { db: h.mongo.dbName } });
      expect(fine.ok).toBe(true);
    }
    for (const socket of attackers) socket.disconnect();
    await until('attackers released', () => h.bridge.stats().sockets === 1);
    const heapAfter = process.memoryUsage().heapUsed;
    expect(heapAfter - heapBefore).toBeLessThan(256 * 1024 * 1024);
    victim.disconnect();
  });
});
