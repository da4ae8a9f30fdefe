import { encode } from '@mongo-live/protocol';
import { allowAll } from '@mongo-live/server-bridge';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Recorder, request, startHarness, until, watch } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ authorize: allowAll });
});
afterAll(() => h?.close());

/** The `$changeStream` stage of the last change-stream aggregate the bridge sent. */
function lastChangeStreamAggregate(): Document {
  const agg = h.commands.filter((c) => c.commandName === 'aggregate' && c.command.pipeline?.[0]?.$changeStream).at(-1);
  if (!agg) throw new Error('no change stream aggregate sent');
  return agg.command;
}

describe('watch scopes', () => {
  it('watches a collection, a database and the whole deployment', async () => {
    const socket = await h.connect();
    const rec = new Recorder(socket);
    const coll = await watch(socket, 'coll', { db: h.mongo.dbName, collection: 'scoped' });
    const db = await watch(socket, 'db', { db: h.mongo.dbName });
    const all = await watch(socket, 'all', {});
    expect(lastChangeStreamAggregate().pipeline[0].$changeStream.allChangesForCluster).toBe(true);
    await h.mongo.db.collection('scoped').insertOne({ _id: 'in-scoped' } as Document);
    await h.mongo.db.collection('other').insertOne({ _id: 'in-other' } as Document);
    await until('deployment stream saw both', () => rec.events(all.streamId).length >= 2);
    await until('database stream saw both', () => rec.events(db.streamId).length >= 2);
    await until('collection stream saw one', () => rec.events(coll.streamId).length >= 1);
    expect(rec.events(coll.streamId).map((e) => e.documentKey._id)).toEqual(['in-scoped']);
    expect(rec.events(db.streamId).map((e) => e.documentKey._id)).toEqual(['in-scoped', 'in-other']);
    expect(rec.events(all.streamId).map((e) => e.ns)).toEqual([
      { db: h.mongo.dbName, coll: 'scoped' },
      { db: h.mongo.dbName, coll: 'other' },
    ]);
    socket.disconnect();
  });

  it('runs the client pipeline in the bridge, on the shared feed: MongoDB gets only $changeStream', async () => {
    const socket = await h.connect();
    const rec = new Recorder(socket);
    const pipeline = [
      { $match: { operationType: 'insert', 'fullDocument.keep': true } },
      { $addFields: { note: 'kept' } },
    ];
    const sub = await watch(socket, 'p', { db: h.mongo.dbName, collection: 'piped' }, { pipeline });
    expect(lastChangeStreamAggregate().pipeline).toHaveLength(1);
    const c = h.mongo.db.collection('piped');
    await c.insertOne({ _id: 1, keep: false } as Document);
    await c.insertOne({ _id: 2, keep: true } as Document);
    await until('kept event', () => rec.events(sub.streamId).length >= 1);
    expect(rec.events(sub.streamId)).toMatchObject([{ documentKey: { _id: 2 }, note: 'kept' }]);
    socket.disconnect();
  });
});

describe('watch options reach the driver', () => {
  it("sends the option family (fullDocument, fullDocumentBeforeChange, showExpandedEvents); reading options are the feed's", async () => {
    const socket = await h.connect();
    const rec = new Recorder(socket);
    const options = {
      fullDocument: 'whenAvailable',
      fullDocumentBeforeChange: 'whenAvailable',
      batchSize: 7,
      maxAwaitTimeMS: 250,
      collation: { locale: 'en', strength: 2 },
      showExpandedEvents: true,
    } as const;
    const sub = await watch(socket, 'o', { db: h.mongo.dbName, collection: 'opts' }, { options });
    const cmd = lastChangeStreamAggregate();
    expect(cmd.pipeline[0].$changeStream).toMatchObject({
      fullDocument: 'whenAvailable',
      fullDocumentBeforeChange: 'whenAvailable',
      showExpandedEvents: true,
    });
    // One feed serves every subscriber of the family: per-subscriber reading options and the
    // collation (which only affects the pipeline, evaluated in the bridge) do not reach MongoDB.
    expect(cmd.collation).toBeUndefined();
    await h.mongo.db.collection('opts').insertOne({ a: 1 });
    const inserts = () => rec.events(sub.streamId).filter((e) => e.operationType === 'insert');
    await until('the insert', () => inserts().length >= 1);
    expect(inserts()[0]).toMatchObject({ fullDocument: { a: 1 } });
    // A collation the bridge cannot apply exactly to a pipeline is refused, clearly.
    const refused = await request(socket, 'watch', {
      v: 1,
      subId: 'coll',
      target: { db: h.mongo.dbName, collection: 'opts' },
      pipeline: [{ $match: { 'fullDocument.name': 'abc' } }],
      options: { collation: { locale: 'en', strength: 2 } },
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringContaining('collation') },
    });
    socket.disconnect();
  });

  it.each(['updateLookup', 'required'] as const)('fullDocument: %s', async (fullDocument) => {
    const name = `fd_${fullDocument}`;
    if (fullDocument === 'required')
      await h.mongo.db.createCollection(name, { changeStreamPreAndPostImages: { enabled: true } });
    const socket = await h.connect();
    const rec = new Recorder(socket);
    const sub = await watch(socket, 'f', { db: h.mongo.dbName, collection: name }, { options: { fullDocument } });
    expect(lastChangeStreamAggregate().pipeline[0].$changeStream.fullDocument).toBe(fullDocument);
    const c = h.mongo.db.collection(name);
    await c.insertOne({ _id: 1, n: 1 } as Document);
    await c.updateOne({ _id: 1 } as Document, { $set: { n: 2 } });
    await until('update event', () => rec.events(sub.streamId).length >= 2);
    expect(rec.events(sub.streamId)[1]).toMatchObject({ operationType: 'update', fullDocument: { _id: 1, n: 2 } });
    socket.disconnect();
  });

  it('fullDocumentBeforeChange: required delivers the pre-image', async () => {
    await h.mongo.db.createCollection('pre', { changeStreamPreAndPostImages: { enabled: true } });
    const socket = await h.connect();
    const rec = new Recorder(socket);
    const sub = await watch(
      socket,
      'pre',
      { db: h.mongo.dbName, collection: 'pre' },
      { options: { fullDocumentBeforeChange: 'required' } },
    );
    const c = h.mongo.db.collection('pre');
    await c.insertOne({ _id: 1, n: 1 } as Document);
    await c.updateOne({ _id: 1 } as Document, { $set: { n: 2 } });
    await until('update event', () => rec.events(sub.streamId).length >= 2);
    expect(rec.events(sub.streamId)[1]).toMatchObject({ fullDocumentBeforeChange: { _id: 1, n: 1 } });
    socket.disconnect();
  });

  it('resumeAfter / startAfter the ack token and startAtOperationTime replay what came after, from the feed', async () => {
    const socket = await h.connect();
    const rec = new Recorder(socket);
    const c = h.mongo.db.collection('resume');
    const target = { db: h.mongo.dbName, collection: 'resume' };
    const first = await watch(socket, 'first', target);
    expect(first.resumeToken).toBeDefined();
    await c.insertOne({ _id: 'a' } as Document);
    await c.insertOne({ _id: 'b' } as Document);
    await until('two events', () => rec.events(first.streamId).length >= 2);
    const [a] = rec.events(first.streamId);
    const aggregates = h.changeStreamAggregates();
    // Each resuming subscription on its own socket, so each recorder holds only its own events.
    const resumeOn = async (subId: string, options: Document) => {
      const s = await h.connect();
      const r = new Recorder(s);
      const sub = await watch(s, subId, target, { options });
      return { s, r, sub };
    };
    const fromAck = await resumeOn('ack', { resumeAfter: first.resumeToken });
    const afterA = await resumeOn('startAfter', { startAfter: encode(a!._id) });
    const rawA = rec.batches.filter((b) => b.streamId === first.streamId).flatMap((b) => b.events)[0] as Document;
    expect(rawA.clusterTime).toHaveProperty('$timestamp');
    // startAtOperationTime: the clusterTime of `a` (as it came over the wire) replays from a, inclusive.
    const atTime = await resumeOn('atTime', { startAtOperationTime: rawA.clusterTime });
    await until('replayed from the ack token', () => fromAck.r.events(fromAck.sub.streamId).length >= 2);
    await until('replayed after a', () => afterA.r.events(afterA.sub.streamId).length >= 1);
    await until('replayed from the operation time', () => atTime.r.events(atTime.sub.streamId).length >= 2);
    await c.insertOne({ _id: 'c' } as Document);
    await until('live after the replay', () => atTime.r.events(atTime.sub.streamId).length >= 3);
    await until('live after the replay (ack)', () => fromAck.r.events(fromAck.sub.streamId).length >= 3);
    await until('live after the replay (startAfter)', () => afterA.r.events(afterA.sub.streamId).length >= 2);
    expect(fromAck.r.events(fromAck.sub.streamId).map((e) => e.documentKey._id)).toEqual(['a', 'b', 'c']);
    expect(afterA.r.events(afterA.sub.streamId).map((e) => e.documentKey._id)).toEqual(['b', 'c']);
    expect(atTime.r.events(atTime.sub.streamId).map((e) => e.documentKey._id)).toEqual(['a', 'b', 'c']);
    // All three were served from the running feed's replay buffer: no stream of their own.
    expect(h.changeStreamAggregates()).toBe(aggregates);
    expect(new Set([first, fromAck.sub, afterA.sub, atTime.sub].map((x) => x.streamId)).size).toBe(1);
    // A position older than the buffer (a fresh feed for another family) goes through MongoDB, with a real token.
    const late = await resumeOn('late', { startAfter: encode(a!._id), fullDocument: 'whenAvailable' });
    expect(lastChangeStreamAggregate().pipeline[0].$changeStream.startAfter).toEqual(a!._id);
    await until('late replay', () => late.r.events(late.sub.streamId).length >= 2);
    expect(late.r.events(late.sub.streamId).map((e) => e.documentKey._id)).toEqual(['b', 'c']);
    for (const x of [socket, fromAck.s, afterA.s, atTime.s, late.s]) x.disconnect();
  });

  it('batches events that arrive together, up to batchSize, encoded as EJSON', async () => {
    const socket = await h.connect();
    const rec = new Recorder(socket);
    const sub = await watch(socket, 'batch', { db: h.mongo.dbName, collection: 'batched' });
    await h.mongo.db.collection('batched').insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    await until('250 events', () => rec.events(sub.streamId).length >= 250);
    const batches = rec.batches.filter((b) => b.streamId === sub.streamId && b.events.length > 0);
    expect(Math.max(...batches.map((b) => b.events.length))).toBeLessThanOrEqual(100);
    expect(batches.length).toBeLessThan(250); // events that arrived together travelled together
    expect(rec.events(sub.streamId).map((e) => e.fullDocument.i)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    const raw = batches[0]!.events[0] as Document;
    expect(raw.fullDocument._id).toHaveProperty('$oid');
    expect(batches.at(-1)!.postBatchResumeToken).toBeDefined();
    socket.disconnect();
  });

  it('a resumed stream replays its backlog in batches of at most batchSize, in order', async () => {
    const socket = await h.connect();
    const rec = new Recorder(socket);
    const first = await watch(socket, 'first', { db: h.mongo.dbName, collection: 'backlog' });
    await h.mongo.db.collection('backlog').insertMany(Array.from({ length: 230 }, (_, i) => ({ _id: i }) as Document));
    await until('230 events', () => rec.events(first.streamId).length >= 230);
    const replay = await watch(
      socket,
      'replay',
      { db: h.mongo.dbName, collection: 'backlog' },
      {
        options: { resumeAfter: first.resumeToken },
      },
    );
    await until('replayed', () => rec.events(replay.streamId).length >= 230);
    expect(rec.events(replay.streamId).map((e) => e.documentKey._id)).toEqual(Array.from({ length: 230 }, (_, i) => i));
    const sizes = rec.batches.filter((b) => b.streamId === replay.streamId).map((b) => b.events.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    socket.disconnect();
  });

  it('answers a request without args, with extra args, or without an ack, and keeps serving', async () => {
    const socket = await h.connect();
    const noArgs = await new Promise((resolve) => (socket.emit as (...a: unknown[]) => void)('watch', resolve));
    expect(noArgs).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    (socket.emit as (...a: unknown[]) => void)('watch', { v: 1, subId: 'no-ack', target: {} });
    const ok = await request(socket, 'watch', { v: 1, subId: 'after', target: { db: h.mongo.dbName } });
    expect(ok.ok).toBe(true);
    socket.disconnect();
  });
});
