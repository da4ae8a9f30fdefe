import { encode } from '@mongo-live/protocol';
import { allowAll } from '@mongo-live/server-bridge';
import type { Document } from 'mongodb';
import { Timestamp } from 'mongodb'; // the bridge hands the driver its own BSON classes
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

  it('appends the client pipeline after $changeStream', async () => {
    const socket = await h.connect();
    const rec = new Recorder(socket);
    const pipeline = [
      { $match: { operationType: 'insert', 'fullDocument.keep': true } },
      { $addFields: { note: 'kept' } },
    ];
    const sub = await watch(socket, 'p', { db: h.mongo.dbName, collection: 'piped' }, { pipeline });
    expect(lastChangeStreamAggregate().pipeline.slice(1)).toEqual(pipeline);
    const c = h.mongo.db.collection('piped');
    await c.insertOne({ _id: 1, keep: false } as Document);
    await c.insertOne({ _id: 2, keep: true } as Document);
    await until('kept event', () => rec.events(sub.streamId).length >= 1);
    expect(rec.events(sub.streamId)).toMatchObject([{ documentKey: { _id: 2 }, note: 'kept' }]);
    socket.disconnect();
  });
});

describe('watch options reach the driver', () => {
  it('passes fullDocument, fullDocumentBeforeChange, batchSize, maxAwaitTimeMS, collation, showExpandedEvents', async () => {
    const socket = await h.connect();
    const options = {
      fullDocument: 'whenAvailable',
      fullDocumentBeforeChange: 'whenAvailable',
      batchSize: 7,
      maxAwaitTimeMS: 250,
      collation: { locale: 'en', strength: 2 },
      showExpandedEvents: true,
    } as const;
    await watch(socket, 'o', { db: h.mongo.dbName, collection: 'opts' }, { options });
    const cmd = lastChangeStreamAggregate();
    expect(cmd.pipeline[0].$changeStream).toMatchObject({
      fullDocument: 'whenAvailable',
      fullDocumentBeforeChange: 'whenAvailable',
      showExpandedEvents: true,
    });
    expect(cmd.cursor).toEqual({ batchSize: 7 });
    expect(cmd.collation).toEqual({ locale: 'en', strength: 2 });
    await h.mongo.db.collection('opts').insertOne({ a: 1 });
    await until('a getMore with maxTimeMS', () =>
      h.commands.some(
        (c) => c.commandName === 'getMore' && c.command.collection === 'opts' && c.command.maxTimeMS === 250,
      ),
    );
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

  it('resumeAfter / startAfter the ack token and startAtOperationTime replay what came after', async () => {
    const socket = await h.connect();
    const rec = new Recorder(socket);
    const c = h.mongo.db.collection('resume');
    const first = await watch(socket, 'first', { db: h.mongo.dbName, collection: 'resume' });
    expect(first.resumeToken).toBeDefined();
    await c.insertOne({ _id: 'a' } as Document);
    await c.insertOne({ _id: 'b' } as Document);
    await until('two events', () => rec.events(first.streamId).length >= 2);
    const [a] = rec.events(first.streamId);

    const fromAck = await watch(
      socket,
      'ack',
      { db: h.mongo.dbName, collection: 'resume' },
      {
        options: { resumeAfter: first.resumeToken },
      },
    );
    const afterA = await watch(
      socket,
      'startAfter',
      { db: h.mongo.dbName, collection: 'resume' },
      {
        options: { startAfter: encode(a!._id) },
      },
    );
    expect(fromAck.streamId).not.toBe(first.streamId); // resuming subscribers get their own stream
    expect(lastChangeStreamAggregate().pipeline[0].$changeStream.startAfter).toEqual(a!._id);
    await until('replayed from the ack token', () => rec.events(fromAck.streamId).length >= 2);
    await until('replayed after a', () => rec.events(afterA.streamId).length >= 1);
    expect(rec.events(fromAck.streamId).map((e) => e.documentKey._id)).toEqual(['a', 'b']);
    expect(rec.events(afterA.streamId).map((e) => e.documentKey._id)).toEqual(['b']);
    // startAtOperationTime: the clusterTime of `a` (as it came over the wire) replays from a, inclusive.
    const rawA = rec.batches.filter((b) => b.streamId === first.streamId).flatMap((b) => b.events)[0] as Document;
    expect(rawA.clusterTime).toHaveProperty('$timestamp');
    const atTime = await watch(
      socket,
      'atTime',
      { db: h.mongo.dbName, collection: 'resume' },
      {
        options: { startAtOperationTime: rawA.clusterTime },
      },
    );
    expect(lastChangeStreamAggregate().pipeline[0].$changeStream.startAtOperationTime).toBeInstanceOf(Timestamp);
    await until('replayed from the operation time', () => rec.events(atTime.streamId).length >= 2);
    expect(rec.events(atTime.streamId).map((e) => e.documentKey._id)).toEqual(['a', 'b']);
    socket.disconnect();
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
