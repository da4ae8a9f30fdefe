import { decode, encode } from '@mongo-live/protocol';
import type { Authorize } from '@mongo-live/server-bridge';
import { BSONRegExp, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Recorder, request, startHarness, until, watch } from '../bridge/harness.js';
import { liveRecorder, replay } from './liveUpdates.js';

// What the bridge evaluates itself (live-query filters, restricted-stream pipelines, their dry
// runs) is bounded or refused, and one subscription's failure ends that subscription only.

let h: Harness;
let db: string;
const MAX_RESULTS = 50;
const authorize: Authorize = (req, socket) => {
  const user = socket.data?.user as string | undefined;
  if (!user || req.db !== db) return false;
  return { filter: { owner: user } };
};

beforeAll(async () => {
  // A generous time budget: these tests count operations and sizes, never time.
  h = await startHarness({ authorize, limits: { maxQueryResults: MAX_RESULTS, maxEvaluationMs: 10_000 } });
  db = h.mongo.dbName;
});
afterAll(() => h?.close());

const as = (user: string) => h.connect({ auth: { user } });
const regex = (pattern: string, options = '') => encode(new BSONRegExp(pattern, options)) as Document;

describe('regular expressions', () => {
  it('a live query with a regex filter keeps its documents through updates and sees new ones', async () => {
    const coll = h.mongo.db.collection('rx_live');
    await coll.insertMany(
      Array.from({ length: 20 }, (_, i) => ({ _id: i, owner: 'ann', name: `item-${i}`, n: 0 })) as never,
    );
    const socket = await as('ann');
    const live = liveRecorder(socket);
    const ack = await request(socket, 'query', {
      v: 1,
      subId: 'rx',
      db,
      collection: 'rx_live',
      filter: { name: regex('^ITEM-', 'i') },
      sort: [['_id', 1]],
    });
    expect(ack.ok && ack.data.docs.length).toBe(20);
    const { queryId, docs } = ack.ok ? ack.data : ({} as Document);
    await coll.updateOne({ _id: 3 as never }, { $set: { n: 1 } });
    await coll.updateOne({ _id: 7 as never }, { $set: { n: 2 } });
    await coll.insertOne({ _id: 100, owner: 'ann', name: 'item-new' } as never);
    await coll.insertOne({ _id: 101, owner: 'ann', name: 'other' } as never);
    await until('three updates', () => live.updates.length >= 3);
    const now = replay(docs, live.updates, queryId);
    expect(now.map((d) => d._id)).toEqual([...Array.from({ length: 20 }, (_, i) => i), 100]);
    expect(now[3]?.n).toBe(1);
    socket.disconnect();
  });

  it('a regex $match in a restricted watch fires', async () => {
    const socket = await as('ann');
    const rec = new Recorder(socket);
    const { streamId } = await watch(
      socket,
      'w',
      { db, collection: 'rx_watch' },
      {
        pipeline: [{ $match: { 'fullDocument.name': regex('^a') } }],
      },
    );
    await h.mongo.db.collection('rx_watch').insertMany([
      { owner: 'ann', name: 'bob' },
      { owner: 'ann', name: 'abe' },
      { owner: 'bob', name: 'amy' },
    ]);
    await until('the matching insert', () => rec.events(streamId).length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(rec.events(streamId).map((e) => e.fullDocument.name)).toEqual(['abe']);
    socket.disconnect();
  });

  it('a catastrophic pattern runs in linear time; backreferences are refused', async () => {
    // The snapshot is read on an empty collection: the database never runs the pattern (the
    // embedded server would backtrack on it too); the bridge runs it on every later insert.
    const coll = h.mongo.db.collection('rx_redos');
    const socket = await as('ann');
    const live = liveRecorder(socket);
    const evil = { $expr: { $regexMatch: { input: '$s', regex: '^(a+)+$' } } };
    const ack = await request(socket, 'query', { v: 1, subId: 'evil', db, collection: 'rx_redos', filter: evil });
    expect(ack).toMatchObject({ ok: true, data: { docs: [] } });
    await coll.insertOne({ _id: 1, owner: 'ann', s: `${'a'.repeat(3000)}!` } as never);
    await coll.insertOne({ _id: 2, owner: 'ann', s: 'a'.repeat(3000) } as never);
    await until('the matching insert', () => live.updates.length >= 1);
    expect(live.updates.flatMap((u) => u.diffs.map((d: Document) => decode<Document>(d.doc)._id))).toEqual([2]);
    expect(live.errors).toEqual([]);
    const backref = await request(socket, 'query', {
      v: 1,
      subId: 'br',
      db,
      collection: 'rx_redos',
      filter: { s: regex('(a)\\1') },
    });
    expect(backref).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(backref.ok || backref.error.message).toMatch(/linear-time/);
    socket.disconnect();
  });
});

describe('operators MongoDB accepts', () => {
  it('$comment in filters and $$CLUSTER_TIME in restricted pipelines work', async () => {
    const socket = await as('ann');
    const rec = new Recorder(socket);
    const found = await request(socket, 'find', {
      v: 1,
      db,
      collection: 'misc',
      filter: { $comment: 'ui list', x: 1 },
    });
    expect(found.ok).toBe(true);
    const live = await request(socket, 'query', {
      v: 1,
      subId: 'c',
      db,
      collection: 'misc',
      filter: { $comment: 'ui' },
    });
    expect(live.ok).toBe(true);
    const { streamId } = await watch(
      socket,
      'w',
      { db, collection: 'misc' },
      {
        pipeline: [{ $addFields: { seenAt: '$$CLUSTER_TIME' } }],
      },
    );
    await h.mongo.db.collection('misc').insertOne({ owner: 'ann' });
    await until('event', () => rec.events(streamId).length >= 1);
    const event = rec.events(streamId)[0]!;
    expect(event.seenAt).toEqual(event.clusterTime);
    socket.disconnect();
  });
});

describe('bounded evaluation', () => {
  it('a watch whose dry run would build a 1e9-element $range is refused with LIMIT_EXCEEDED', async () => {
    const observer = await as('bob');
    const rec = new Recorder(observer);
    const { streamId } = await watch(observer, 'o', { db, collection: 'range' });
    const attacker = await as('ann');
    const refused = await request(attacker, 'watch', {
      v: 1,
      subId: 'r',
      target: { db, collection: 'range' },
      pipeline: [{ $addFields: { x: { $range: [0, 1e9] } } }],
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    expect(refused.ok || refused.error.message).toMatch(/maxEvaluatedArrayLength/);
    await h.mongo.db.collection('range').insertOne({ owner: 'bob', n: 1 });
    await until('observer event', () => rec.events(streamId).length >= 1);
    observer.disconnect();
    attacker.disconnect();
  });

  it("a live query whose $expr throws later ends alone; another user's live query stays correct", async () => {
    const coll = h.mongo.db.collection('armed');
    await coll.insertMany([
      ...Array.from({ length: 5 }, (_, i) => ({ _id: `a${i}`, owner: 'ann', armed: 0, v: 0 })),
      ...Array.from({ length: 5 }, (_, i) => ({ _id: `b${i}`, owner: 'bob', armed: 0, v: 0 })),
    ] as never);
    const ann = await as('ann');
    const bob = await as('bob');
    const annLive = liveRecorder(ann);
    const bobLive = liveRecorder(bob);
    // Throws once a document of ann's says armed: a stand-in for `$$NOW` passing a date.
    const bomb = { $expr: { $cond: [{ $gt: ['$armed', 0] }, { $eq: [{ $toInt: 'x' }, 1] }, true] } };
    const annAck = await request(ann, 'query', { v: 1, subId: 'bomb', db, collection: 'armed', filter: bomb });
    expect(annAck.ok).toBe(true);
    const bobAck = await request(bob, 'query', { v: 1, subId: 'mine', db, collection: 'armed', sort: [['_id', 1]] });
    expect(bobAck.ok).toBe(true);
    const { queryId, docs } = bobAck.ok ? bobAck.data : ({} as Document);
    await coll.updateOne({ _id: 'a0' as never }, { $set: { armed: 1 } });
    await until('ann told', () => annLive.errors.length >= 1);
    expect(annLive.errors[0]).toMatchObject({ error: { code: 'SERVER_ERROR' } });
    for (let i = 0; i < 5; i++) await coll.updateOne({ _id: `b${i}` as never }, { $set: { v: i + 1 } });
    await until('bob current', () => replay(docs, bobLive.updates, queryId).every((d, i) => d.v === i + 1));
    expect(bobLive.errors).toEqual([]);
    ann.disconnect();
    bob.disconnect();
  });
});

describe('result-set caps', () => {
  it('a live query or find without limit past maxQueryResults is refused, naming the limit', async () => {
    const coll = h.mongo.db.collection('big');
    await coll.insertMany(Array.from({ length: MAX_RESULTS + 1 }, (_, i) => ({ owner: 'ann', i })));
    const socket = await as('ann');
    const live = await request(socket, 'query', { v: 1, subId: 'all', db, collection: 'big' });
    expect(live).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    expect(live.ok || live.error.message).toMatch(new RegExp(`maxQueryResults \\(${MAX_RESULTS}\\)`));
    const found = await request(socket, 'find', { v: 1, db, collection: 'big' });
    expect(found).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    const limited = await request(socket, 'query', { v: 1, subId: 'lim', db, collection: 'big', limit: 10 });
    expect(limited.ok && limited.data.docs.length).toBe(10);
    socket.disconnect();
  });

  it('a live query that grows past maxQueryResults ends with LIMIT_EXCEEDED', async () => {
    const coll = h.mongo.db.collection('growing');
    await coll.insertMany(Array.from({ length: MAX_RESULTS }, (_, i) => ({ owner: 'ann', i })));
    const socket = await as('ann');
    const live = liveRecorder(socket);
    const ack = await request(socket, 'query', { v: 1, subId: 'g', db, collection: 'growing' });
    expect(ack.ok && ack.data.docs.length).toBe(MAX_RESULTS);
    await coll.insertOne({ owner: 'ann', i: MAX_RESULTS });
    await until('error', () => live.errors.length >= 1);
    expect(live.errors[0]).toMatchObject({ error: { code: 'LIMIT_EXCEEDED' } });
    socket.disconnect();
  });

  it('skip is bounded: over maxQuerySkip, or skip + limit over maxQueryResults for a live query', async () => {
    const socket = await as('ann');
    const huge = await request(socket, 'find', { v: 1, db, collection: 'big', skip: 1e12, limit: 1 });
    expect(huge).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/maxQuerySkip/) },
    });
    const held = await request(socket, 'query', {
      v: 1,
      subId: 's',
      db,
      collection: 'big',
      skip: MAX_RESULTS,
      limit: 1,
    });
    expect(held).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    const fine = await request(socket, 'find', { v: 1, db, collection: 'big', skip: 45, limit: 100 });
    expect(fine.ok && fine.data.docs.length).toBe(MAX_RESULTS + 1 - 45);
    socket.disconnect();
  });
});
