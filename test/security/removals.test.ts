import { decode } from '@mongo-live/protocol';
import type { Authorize } from '@mongo-live/server-bridge';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Recorder, request, startHarness, type TestSocket, until, watch } from '../bridge/harness.js';
import { liveRecorder, replay } from './liveUpdates.js';

// Deletes (and removals) on row-filtered subscriptions, with and without pre-images: a user is
// never told the _id of a document it cannot be shown to have been allowed to see. The matrix:
// pre-images on/off × watch/live query × documents the subscription showed / allowed but never
// shown / never allowed; plus the explicit opt-in that accepts the leak.

let h: Harness;
let db: string;
const authorize: Authorize = (req, socket) => {
  const user = socket.data?.user as string | undefined;
  if (!user || req.db !== db) return false;
  // The whole database: documents without an owner are everyone's (like the demo's products).
  if (req.collection === undefined)
    return req.kind === 'watch' ? { filter: { $or: [{ owner: { $exists: false } }, { owner: user }] } } : false;
  return {
    filter: { owner: user },
    ...(socket.data?.optIn === true ? { removalsWithoutPreImage: 'sendKey' as const } : {}),
  };
};

beforeAll(async () => {
  h = await startHarness({ authorize });
  db = h.mongo.dbName;
});
afterAll(() => h?.close());

const as = (user: string, extra: Record<string, unknown> = {}) => h.connect({ auth: { user, ...extra } });

interface Observed {
  socket: TestSocket;
  rec: Recorder;
  streamId: string;
  live: ReturnType<typeof liveRecorder>;
  queryId: string;
  snapshot: Document[];
}

/** Ann's watch and live query on `collection`, opened after the `before` documents exist. */
async function observe(collection: string, user = 'ann', extra: Record<string, unknown> = {}): Promise<Observed> {
  const socket = await as(user, extra);
  const rec = new Recorder(socket);
  const live = liveRecorder(socket);
  const { streamId } = await watch(socket, 'w', { db, collection });
  const ack = await request(socket, 'query', { v: 1, subId: 'q', db, collection, sort: [['_id', 1]] });
  if (!ack.ok) throw new Error(`query refused: ${ack.error.message}`);
  return { socket, rec, streamId, live, queryId: ack.data.queryId as string, snapshot: ack.data.docs as Document[] };
}

/**
 * Writes the scenario: `ann-old` and `bob-old` exist before the subscriptions (never shown by the
 * stream; ann's is in her live query's snapshot), `ann-new` and `bob-new` are inserted after
 * (ann's stream shows hers), `bob-moved` is bob's and replaced by bob; then all are deleted.
 */
async function scenario(collection: string, images: boolean, observers: () => Promise<Observed[]>) {
  if (images) await h.mongo.db.createCollection(collection, { changeStreamPreAndPostImages: { enabled: true } });
  const c = h.mongo.db.collection(collection);
  await c.insertMany([
    { _id: 'ann-old', owner: 'ann', n: 0 },
    { _id: 'bob-old', owner: 'bob', n: 0 },
    { _id: 'bob-moved', owner: 'bob', n: 0 },
  ] as never);
  const watchers = await observers();
  await c.insertMany([
    { _id: 'ann-new', owner: 'ann', n: 1 },
    { _id: 'bob-new', owner: 'bob', n: 1 },
  ] as never);
  await c.replaceOne({ _id: 'bob-moved' } as Document, { owner: 'carl', n: 2 });
  for (const id of ['ann-new', 'bob-new', 'ann-old', 'bob-old', 'bob-moved'])
    await c.deleteOne({ _id: id } as Document);
  await c.insertOne({ _id: 'sentinel', owner: 'ann' } as never);
  for (const w of watchers)
    await until('the sentinel reached the stream and the live query', () => {
      const streamDone = w.rec.events(w.streamId).some((e) => e.documentKey?._id === 'sentinel');
      const liveDone = replay(w.snapshot, w.live.updates, w.queryId).some((d) => d._id === 'sentinel');
      return streamDone && liveDone;
    });
  return watchers;
}

const deletedIds = (o: Observed) =>
  o.rec
    .events(o.streamId)
    .filter((e) => e.operationType === 'delete')
    .map((e) => e.documentKey._id);

describe('removals on a row-filtered subscription', () => {
  it.each([
    ['with pre-images', true, ['ann-new', 'ann-old']],
    ['without pre-images', false, ['ann-new']],
  ])('%s: the stream names only documents it may have known; the live query stays exact', async (_n, images, told) => {
    const collection = images ? 'rm_images' : 'rm_plain';
    const [ann] = await scenario(collection, images, async () => [await observe(collection)]);
    const a = ann!;
    expect(a.snapshot.map((d) => decode<Document>(d)._id)).toEqual(['ann-old']);
    // Shown by the stream: told in both cases. Allowed but never shown: told only when the
    // pre-image proves it was ann's. Bob's (and carl's): never, not even their _id.
    expect(deletedIds(a)).toEqual(told);
    const wire = JSON.stringify(a.rec.batches);
    for (const hidden of ['bob', 'carl']) expect(wire).not.toContain(hidden);
    // The live query knows the documents it showed (its snapshot included ann-old): exact either way.
    expect(replay(a.snapshot, a.live.updates, a.queryId).map((d) => d._id)).toEqual(['sentinel']);
    expect(JSON.stringify(a.live.updates)).not.toMatch(/bob|carl/);
    expect(a.live.errors).toEqual([]);
    a.socket.disconnect();
  });

  it("without pre-images, removalsWithoutPreImage: 'sendKey' names every deleted document (the accepted leak); others keep the default", async () => {
    const [optedIn, plain] = await scenario('rm_opt_in', false, async () => [
      await observe('rm_opt_in', 'ann', { optIn: true }),
      await observe('rm_opt_in'),
    ]);
    // The replacement by carl is a "may have left" removal of a document bob owned: named too.
    expect(deletedIds(optedIn!).sort()).toEqual(['ann-new', 'ann-old', 'bob-moved', 'bob-moved', 'bob-new', 'bob-old']);
    // Never its content.
    expect(JSON.stringify(optedIn!.rec.batches)).not.toContain('carl');
    // The decision is part of the stream's identity: ann without the opt-in shares nothing with it.
    expect(optedIn!.streamId).not.toBe(plain!.streamId);
    expect(deletedIds(plain!)).toEqual(['ann-new']);
    for (const o of [optedIn!, plain!]) o.socket.disconnect();
  });

  it('without pre-images, a subscriber resuming after a blip is still told the delete of a document it was shown', async () => {
    const c = h.mongo.db.collection('rm_resume');
    const first = await as('ann');
    const rec1 = new Recorder(first);
    const sub1 = await watch(first, 'w', { db, collection: 'rm_resume' });
    await c.insertOne({ _id: 'shown', owner: 'ann' } as never);
    await until('the insert', () => rec1.events(sub1.streamId).length === 1);
    const token = rec1.events(sub1.streamId)[0]!._id;
    first.disconnect(); // its group is released: the next subscription gets a new one
    await until('the group was released', () => h.bridge.stats().watchGroups === 0);
    await c.insertOne({ _id: 'bobs', owner: 'bob' } as never);
    await c.deleteOne({ _id: 'bobs' } as Document);
    await c.deleteOne({ _id: 'shown' } as Document);
    await c.insertOne({ _id: 'resume-sentinel', owner: 'ann' } as never);
    const again = await as('ann');
    const rec2 = new Recorder(again);
    const sub2 = await watch(again, 'w', { db, collection: 'rm_resume' }, { options: { resumeAfter: token } });
    await until('the sentinel', () => rec2.events(sub2.streamId).some((e) => e.documentKey._id === 'resume-sentinel'));
    expect(rec2.events(sub2.streamId).map((e) => [e.operationType, e.documentKey._id])).toEqual([
      ['delete', 'shown'],
      ['insert', 'resume-sentinel'],
    ]);
    again.disconnect();
  });

  it('a database-wide stream (the demo activity feed) tells deletes of shared documents from their pre-images', async () => {
    await h.mongo.db.createCollection('rm_catalog', { changeStreamPreAndPostImages: { enabled: true } });
    await h.mongo.db.createCollection('rm_orders', { changeStreamPreAndPostImages: { enabled: true } });
    await h.mongo.db.collection('rm_catalog').insertOne({ _id: 'lamp', name: 'Lamp' } as never);
    await h.mongo.db.collection('rm_orders').insertMany([
      { _id: 'o-ann', owner: 'ann' },
      { _id: 'o-bob', owner: 'bob' },
    ] as never);
    const socket = await as('ann');
    const rec = new Recorder(socket);
    const pipeline = [{ $match: { 'ns.coll': { $in: ['rm_catalog', 'rm_orders'] } } }];
    const { streamId } = await watch(socket, 'db', { db }, { pipeline });
    await h.mongo.db.collection('rm_catalog').deleteOne({ _id: 'lamp' } as Document);
    await h.mongo.db.collection('rm_orders').deleteOne({ _id: 'o-bob' } as Document);
    await h.mongo.db.collection('rm_orders').deleteOne({ _id: 'o-ann' } as Document);
    await h.mongo.db.collection('rm_catalog').insertOne({ _id: 'db-sentinel' } as never);
    await until('the sentinel', () => rec.events(streamId).some((e) => e.documentKey?._id === 'db-sentinel'));
    expect(rec.events(streamId).map((e) => [e.operationType, e.ns.coll, e.documentKey._id])).toEqual([
      ['delete', 'rm_catalog', 'lamp'],
      ['delete', 'rm_orders', 'o-ann'],
      ['insert', 'rm_catalog', 'db-sentinel'],
    ]);
    socket.disconnect();
  });
});
