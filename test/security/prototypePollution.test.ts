import { decode } from '@mongo-live/protocol';
import { type Authorize, prefetchLiveQuery } from '@mongo-live/server-bridge';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Recorder, request, startHarness, type TestSocket, until, watch } from '../bridge/harness.js';

// The attack of the security issue: client-supplied paths through __proto__ / constructor /
// prototype. Each must be refused (INVALID_REQUEST), pollute nothing, and leave another user's
// running live query and change stream correct and flowing.

let h: Harness;
let db: string;
const authorize: Authorize = (req, socket) => {
  const user = socket.data?.user as string | undefined;
  if (!user || req.db !== db) return false;
  if (req.collection === 'profiles')
    return { filter: { owner: user }, projection: { owner: 1, displayName: 1, 'address.city': 1 } };
  if (req.collection === 'audited') return { projection: { audit: { ip: 0 } } };
  return false;
};

beforeAll(async () => {
  h = await startHarness({ authorize });
  db = h.mongo.dbName;
  await h.mongo.db.collection('profiles').insertMany([
    {
      _id: 'p-ann' as never,
      owner: 'ann',
      displayName: 'Ann',
      ssn: 'ann-ssn',
      apiKey: 'k1',
      address: { city: 'Oslo', street: 'A 1' },
    },
    {
      _id: 'p-bob' as never,
      owner: 'bob',
      displayName: 'Bob',
      ssn: 'bob-ssn',
      apiKey: 'k2',
      address: { city: 'Rome', street: 'B 2' },
    },
  ]);
});
afterAll(() => h?.close());

const as = (user: string) => h.connect({ auth: { user } });
let round = 0;

/** A user who keeps a live query and a change stream open during the attacks. */
async function observer(): Promise<{ socket: TestSocket; rec: Recorder; streamId: string; updates: Document[] }> {
  const socket = await as('bob');
  const rec = new Recorder(socket);
  const updates: Document[] = [];
  socket.on('query:update', (u) => updates.push(u as Document));
  const live = await request(socket, 'query', { v: 1, subId: 'lq', db, collection: 'profiles', sort: [['_id', 1]] });
  expect(live.ok).toBe(true);
  const { streamId } = await watch(socket, 'w', { db, collection: 'profiles' });
  return { socket, rec, streamId, updates };
}

const ATTACKS: Array<[string, string, Document]> = [
  [
    'find',
    'projection __proto__.ssn',
    { v: 1, collection: 'profiles', projection: { '__proto__.ssn': 1, '__proto__.apiKey': 1 } },
  ],
  [
    'query',
    'projection constructor.prototype',
    { v: 1, subId: 'a1', collection: 'profiles', projection: { 'constructor.prototype.ssn': 1 } },
  ],
  [
    'find',
    'nested __proto__ projection',
    { v: 1, collection: 'profiles', projection: JSON.parse('{"__proto__":{"ssn":1}}') },
  ],
  ['find', 'filter on __proto__ path', { v: 1, collection: 'profiles', filter: { '__proto__.polluted': 1 } }],
  ['find', '$__proto__ operator', { v: 1, collection: 'profiles', filter: { displayName: { $__proto__: 1 } } }],
  ['find', 'sort on constructor', { v: 1, collection: 'profiles', sort: [['constructor.prototype', 1]] }],
  [
    'watch',
    '$addFields into constructor.prototype',
    { v: 1, subId: 'a2', target: { db: '' }, pipeline: [{ $addFields: { 'constructor.prototype.ssn': 1 } }] },
  ],
  [
    'watch',
    '$replaceRoot to $$ROOT.constructor',
    { v: 1, subId: 'a3', target: { db: '' }, pipeline: [{ $replaceRoot: { newRoot: '$$ROOT.constructor' } }] },
  ],
  [
    'watch',
    'EJSON $-key with __proto__',
    { v: 1, subId: 'a4', target: { db: '' }, options: { resumeAfter: { $__proto__: { ssn: 1 } } } },
  ],
];

describe('prototype pollution through client-supplied paths', () => {
  it.each(ATTACKS)(
    '%s with %s is refused, pollutes nothing, and the observer keeps its view',
    async (event, _what, raw) => {
      const obs = await observer();
      const attacker = await as('ann');
      const payload = structuredClone(raw);
      if (event === 'watch') (payload.target as Document).db = db;
      if (event === 'watch') (payload.target as Document).collection = 'profiles';
      if (event !== 'watch') payload.db = db;
      const result = await request(attacker, event as 'find', payload as never);
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      for (const key of ['ssn', 'apiKey', 'polluted']) expect(({} as Record<string, unknown>)[key]).toBeUndefined();

      // The observer's live query and stream still work, with the policy intact.
      const n = obs.updates.length;
      const mark = `Bob ${++round}`;
      const e = obs.rec.events(obs.streamId).length;
      await h.mongo.db
        .collection('profiles')
        .updateOne({ _id: 'p-bob' as never }, { $set: { ssn: `x${round}`, displayName: mark } });
      await until('observer update', () => obs.updates.length > n && obs.rec.events(obs.streamId).length > e);
      const seen = JSON.stringify([obs.updates.slice(n), obs.rec.batches]);
      for (const secret of ['ssn', 'apiKey', 'street', 'ann']) expect(seen).not.toContain(secret);
      expect(seen).toContain(mark);
      // And the attacker's ordinary requests still succeed.
      const ok = await request(attacker, 'find', { v: 1, db, collection: 'profiles' });
      expect(ok.ok && (ok.data.docs as Document[]).map((d) => decode<Document>(d))).toEqual([
        { _id: 'p-ann', owner: 'ann', displayName: 'Ann', address: { city: 'Oslo' } },
      ]);
      obs.socket.disconnect();
      attacker.disconnect();
    },
  );
});

describe('a nested authorized projection ({ audit: { ip: 0 } })', () => {
  const visible = { _id: 'a1', name: 'first', audit: { at: 1 } };

  it('is enforced on change streams, live queries, find and prefetchLiveQuery alike', async () => {
    const socket = await as('ann');
    const rec = new Recorder(socket);
    const updates: Document[] = [];
    socket.on('query:update', (u) => updates.push(u as Document));
    const { streamId } = await watch(
      socket,
      'w',
      { db, collection: 'audited' },
      { options: { fullDocument: 'updateLookup' } },
    );
    const live = await request(socket, 'query', { v: 1, subId: 'q', db, collection: 'audited' });
    expect(live).toMatchObject({ ok: true, data: { docs: [] } });
    await h.mongo.db
      .collection('audited')
      .insertOne({ _id: 'a1' as never, name: 'first', audit: { at: 1, ip: '10.0.0.1' } });
    await until('event and diff', () => rec.events(streamId).length >= 1 && updates.length >= 1);
    expect(rec.events(streamId)[0]?.fullDocument).toEqual(visible);
    expect(decode(updates[0]?.diffs[0].doc)).toEqual(visible);

    const found = await request(socket, 'find', { v: 1, db, collection: 'audited' });
    expect(found.ok && (found.data.docs as Document[]).map((d) => decode(d))).toEqual([visible]);

    const cache = new Map<string, unknown>();
    const queryClient = {
      setQueryData: (key: readonly unknown[], data: unknown) => cache.set(JSON.stringify(key), data),
    };
    const docs = await prefetchLiveQuery(
      queryClient,
      { mongo: h.bridgeClient, authorize, context: { data: { user: 'ann' } } },
      { db, collection: 'audited' },
    );
    expect(docs).toEqual([visible]);
    expect(JSON.stringify([...cache.values()])).not.toContain('10.0.0.1');
    socket.disconnect();
  });
});
