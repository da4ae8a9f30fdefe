import { type Authorize, createBridge } from '@mongo-live/server-bridge';
import type { Document, MongoClient } from 'mongodb';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Recorder, request, startHarness, type TestSocket, until, watch } from './harness.js';

let h: Harness;
let db: string;
const authorize: Authorize = (req, socket) => {
  const user = socket.data.user as string | undefined;
  if (!user) return false;
  if (req.db === undefined) return user === 'admin' ? true : (undefined as unknown as boolean); // not a decision: denied
  if (req.db !== db || req.collection === 'secrets') return false;
  if (req.collection?.startsWith('orders'))
    return { filter: { owner: user }, projection: { internal: 0, 'card.number': 0 } };
  if (req.collection === 'profiles') return { projection: { name: 1, 'address.city': 1 } };
  return true;
};

beforeAll(async () => {
  h = await startHarness({ authorize });
  db = h.mongo.dbName;
});
afterAll(() => h?.close());

const as = (user: string) => h.connect({ auth: { user } });

describe('createBridge', () => {
  it('requires authorize', () => {
    const io = new Server();
    const mongo = { db: () => undefined } as unknown as MongoClient;
    expect(() => createBridge({ io, mongo } as never)).toThrow(TypeError);
    expect(() => createBridge({ io, mongo } as never)).toThrow(/authorize.*allowAll/);
  });
});

describe('scope authorization', () => {
  it('denies a refused collection with UNAUTHORIZED and keeps the socket working', async () => {
    const socket = await as('ann');
    const denied = await request(socket, 'watch', { v: 1, subId: 's', target: { db, collection: 'secrets' } });
    expect(denied).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(denied.ok || denied.error.message).toContain(`${db}.secrets`);
    const otherDb = await request(socket, 'watch', { v: 1, subId: 's', target: { db: 'admin' } });
    expect(otherDb).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect((await request(socket, 'watch', { v: 1, subId: 's', target: { db, collection: 'public' } })).ok).toBe(true);
    socket.disconnect();
  });

  it('denies the deployment scope unless authorize explicitly allows it', async () => {
    const ann = await as('ann');
    const denied = await request(ann, 'watch', { v: 1, subId: 'd', target: {} });
    expect(denied).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(denied.ok || denied.error.message).toContain('whole deployment');
    const anonymous = await h.connect();
    expect(await request(anonymous, 'watch', { v: 1, subId: 'd', target: {} })).toMatchObject({ ok: false });
    const admin = await as('admin');
    expect((await request(admin, 'watch', { v: 1, subId: 'd', target: {} })).ok).toBe(true);
    for (const s of [ann, anonymous, admin]) s.disconnect();
  });

  it('refuses forbidden stages and operators at any depth, naming them', async () => {
    const socket = await as('ann');
    const cases: Array<[Document[], string]> = [
      [[{ $lookup: { from: 'secrets', as: 'x', pipeline: [] } }], '$lookup'],
      [[{ $match: { $expr: { $function: { body: 'return true', args: [], lang: 'js' } } } }], '$function'],
      [[{ $match: { $and: [{ $or: [{ $where: 'true' }] }] } }], '$where'],
      [[{ $addFields: { x: { $let: { vars: { a: [{ $unionWith: 'secrets' }] }, in: 1 } } } }], '$unionWith'],
      [[{ $project: { a: 1 } }, { $merge: { into: 'x' } }], '$merge'],
      [[{ $out: 'x' }], '$out'],
      [[{ $group: { _id: null } }], '$group'],
    ];
    for (const [pipeline, name] of cases) {
      const result = await request(socket, 'watch', {
        v: 1,
        subId: 'p',
        target: { db, collection: 'public' },
        pipeline,
      });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(['UNAUTHORIZED', 'INVALID_REQUEST']).toContain(result.error.code);
        expect(result.error.message).toContain(name);
      }
    }
    socket.disconnect();
  });
});

/** Runs the row-filter scenario on `collection`; returns what ann's socket received. */
async function rowFilterScenario(collection: string, socket: TestSocket): Promise<Document[]> {
  const rec = new Recorder(socket);
  const sub = await watch(socket, `rows-${collection}`, { db, collection });
  const c = h.mongo.db.collection(collection);
  // updateLookup reads the document when the event is read: wait for events whose lookup must see
  // the state right after their write, so the scenario is deterministic on any server.
  const seen = (n: number) => until(`${n} events`, () => rec.events(sub.streamId).length >= n);
  await c.insertOne({ _id: 1, owner: 'ann', total: 1, internal: 'i1' } as Document);
  await c.insertOne({ _id: 2, owner: 'bob', total: 2, internal: 'i2' } as Document);
  await c.updateOne({ _id: 1 } as Document, { $set: { total: 10 } }); // in scope: seen
  await seen(2);
  await c.updateOne({ _id: 2 } as Document, { $set: { total: 20 } }); // never in scope: unseen
  await c.updateOne({ _id: 1 } as Document, { $set: { owner: 'bob', secret: 'SECRET' } }); // leaves: removal
  await c.updateOne({ _id: 1 } as Document, { $set: { total: 11 } }); // out of scope now: unseen
  await seen(3); // the removal: events before it were read while _id 2 was still bob's
  await c.updateOne({ _id: 2 } as Document, { $set: { owner: 'ann' } }); // enters: seen
  await seen(4);
  await c.deleteOne({ _id: 2 } as Document); // in scope: seen as its key
  await c.insertOne({ _id: 'sentinel', owner: 'ann' } as Document);
  await until('sentinel', () => rec.events(sub.streamId).some((e) => e.documentKey._id === 'sentinel'));
  return rec.events(sub.streamId);
}

describe('row filter', () => {
  it.each([
    ['without pre-images (decided from the update)', 'orders_plain', false],
    ['with pre-images (decided from fullDocumentBeforeChange)', 'orders_images', true],
  ])('%s: only in-scope documents, a removal without content when one leaves', async (_name, collection, images) => {
    if (images) await h.mongo.db.createCollection(collection, { changeStreamPreAndPostImages: { enabled: true } });
    const socket = await as('ann');
    const events = await rowFilterScenario(collection, socket);
    expect(events.map((e) => [e.operationType, e.documentKey._id])).toEqual([
      ['insert', 1],
      ['update', 1],
      ['delete', 1],
      ['update', 2],
      ['delete', 2],
      ['insert', 'sentinel'],
    ]);
    const removal = events[2]!;
    expect(Object.keys(removal).sort()).toEqual(
      ['_id', 'clusterTime', 'documentKey', 'ns', 'operationType']
        .concat('wallTime' in removal ? ['wallTime'] : [])
        .sort(),
    );
    const wire = JSON.stringify(events);
    for (const hidden of ['bob', 'SECRET', 'i1', 'i2', 'internal', '"total":20', '"total":11'])
      expect(wire).not.toContain(hidden);
    // The client did not ask for fullDocument on updates: the forced lookup is not passed on.
    expect(events[1]).not.toHaveProperty('fullDocument');
    expect(events[1]).not.toHaveProperty('fullDocumentBeforeChange');
    socket.disconnect();
  });

  it('shares one stream id per decision: same user shares, another user gets another; one MongoDB stream for both', async () => {
    const target = { db, collection: 'orders_share' };
    await until('earlier tests released their streams', () => h.bridge.stats().mongoStreams === 0);
    const before = 0;
    const ann1 = await as('ann');
    const ann2 = await as('ann');
    const bob = await as('bob');
    const a1 = await watch(ann1, 'x', target);
    const a2 = await watch(ann2, 'x', target);
    const b = await watch(bob, 'x', target);
    expect(a1.streamId).toBe(a2.streamId);
    expect(b.streamId).not.toBe(a1.streamId);
    expect(h.bridge.stats().mongoStreams - before).toBe(1);
    const recBob = new Recorder(bob);
    await h.mongo.db.collection('orders_share').insertOne({ owner: 'ann' });
    await h.mongo.db.collection('orders_share').insertOne({ owner: 'bob' });
    await until('bob sees his', () => recBob.events(b.streamId).length >= 1);
    expect(recBob.events(b.streamId).map((e) => e.fullDocument.owner)).toEqual(['bob']);
    for (const s of [ann1, ann2, bob]) s.disconnect();
  });
});

describe('projection', () => {
  it('enforces the projection on fullDocument, pre-images and inside updateDescription (dotted paths)', async () => {
    await h.mongo.db.createCollection('orders_proj', { changeStreamPreAndPostImages: { enabled: true } });
    const socket = await as('ann');
    const rec = new Recorder(socket);
    const sub = await watch(
      socket,
      'proj',
      { db, collection: 'orders_proj' },
      { options: { fullDocument: 'updateLookup', fullDocumentBeforeChange: 'whenAvailable' } },
    );
    const c = h.mongo.db.collection('orders_proj');
    await c.insertOne({
      _id: 1,
      owner: 'ann',
      total: 1,
      internal: 'SECRET-A',
      card: { number: 'SECRET-B', brand: 'visa' },
    } as Document);
    await c.updateOne({ _id: 1 } as Document, {
      $set: { total: 2, internal: 'SECRET-C', 'card.number': 'SECRET-D', 'card.brand': 'mc' },
    });
    await c.updateOne({ _id: 1 } as Document, { $set: { card: { number: 'SECRET-E', brand: 'amex' } } });
    await c.updateOne({ _id: 1 } as Document, { $unset: { internal: '', 'card.number': '' } });
    await c.updateOne({ _id: 1 } as Document, { $set: { total: 3 } });
    await until('four events', () => rec.events(sub.streamId).length >= 4);
    const [ins, up1, up2, up3] = rec.events(sub.streamId);
    expect(ins!.fullDocument).toEqual({ _id: 1, owner: 'ann', total: 1, card: { brand: 'visa' } });
    expect(up1!.updateDescription.updatedFields).toEqual({ total: 2, 'card.brand': 'mc' });
    // updateLookup returns the current document (maybe already updated again): check its shape only.
    expect(Object.keys(up1!.fullDocument).sort()).toEqual(['_id', 'card', 'owner', 'total']);
    expect(Object.keys(up1!.fullDocument.card)).toEqual(['brand']);
    expect(up1!.fullDocumentBeforeChange).toEqual({ _id: 1, owner: 'ann', total: 1, card: { brand: 'visa' } });
    expect(up2!.updateDescription.updatedFields).toEqual({ card: { brand: 'amex' } });
    // The $unset of hidden fields only was not sent at all (its timing would tell): next is total: 3.
    expect(up3!.updateDescription).toMatchObject({ updatedFields: { total: 3 }, removedFields: [] });
    expect(JSON.stringify(rec.batches)).not.toContain('SECRET');
    socket.disconnect();
  });

  it('client pipelines see only the authorized view: no copying or matching hidden fields', async () => {
    const socket = await as('ann');
    const rec = new Recorder(socket);
    const copy = await watch(
      socket,
      'copy',
      { db, collection: 'orders_pipe' },
      {
        pipeline: [{ $addFields: { leak: '$fullDocument.internal', leak2: '$fullDocument.card' } }],
      },
    );
    const probe = await watch(
      socket,
      'probe',
      { db, collection: 'orders_pipe' },
      {
        pipeline: [{ $match: { 'fullDocument.internal': 'SECRET' } }],
      },
    );
    const c = h.mongo.db.collection('orders_pipe');
    await c.insertOne({ _id: 1, owner: 'ann', internal: 'SECRET', card: { number: 'SECRET', brand: 'v' } } as Document);
    await until('copy stream event', () => rec.events(copy.streamId).length >= 1);
    expect(rec.events(copy.streamId)[0]!.leak).toBeUndefined();
    expect(rec.events(copy.streamId)[0]!.leak2).toEqual({ brand: 'v' });
    expect(rec.events(probe.streamId)).toEqual([]);
    expect(JSON.stringify(rec.batches)).not.toContain('SECRET');
    socket.disconnect();
  });

  it('a field-projected collection: only the listed paths travel', async () => {
    const socket = await as('ann');
    const rec = new Recorder(socket);
    const sub = await watch(socket, 'profiles', { db, collection: 'profiles' });
    const c = h.mongo.db.collection('profiles');
    await c.insertOne({ _id: 1, name: 'Ann', ssn: 'SECRET', address: { city: 'Oslo', street: 'SECRET' } } as Document);
    await c.updateOne({ _id: 1 } as Document, {
      $set: { 'address.street': 'SECRET2', 'address.city': 'Bergen', ssn: 'SECRET3' },
    });
    await until('two events', () => rec.events(sub.streamId).length >= 2);
    const [ins, up] = rec.events(sub.streamId);
    expect(ins!.fullDocument).toEqual({ _id: 1, name: 'Ann', address: { city: 'Oslo' } });
    expect(up!.updateDescription.updatedFields).toEqual({ 'address.city': 'Bergen' });
    expect(JSON.stringify(rec.batches)).not.toContain('SECRET');
    socket.disconnect();
  });
});
