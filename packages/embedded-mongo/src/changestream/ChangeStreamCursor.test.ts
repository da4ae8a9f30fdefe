import { type Document, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import type { ServerCursor } from '../cursors/ServerCursor.js';
import { OplogFixture } from './OplogFixture.js';
import { openChangeStream } from './openChangeStream.js';
import { encodeResumeToken } from './resumeToken.js';

function open(fx: OplogFixture, options: Document = {}, stages: Document[] = []): ServerCursor {
  return openChangeStream(fx.context(), { db: 'd', coll: 'c', pipeline: [{ $changeStream: options }, ...stages] });
}

async function ids(cursor: ServerCursor, batchSize?: number): Promise<unknown[]> {
  const { docs } = await cursor.getMore({ maxTimeMS: 0, batchSize });
  return docs.map((e) => e.documentKey?._id ?? e.operationType);
}

function insertMany(fx: OplogFixture, from: number, to: number): Timestamp[] {
  const times: Timestamp[] = [];
  for (let i = from; i <= to; i++) times.push(fx.insert('d', 'c', { _id: i }));
  return times;
}

describe('change stream cursor: start and resume', () => {
  it('starts after the current cluster time by default', async () => {
    const fx = new OplogFixture();
    insertMany(fx, 1, 2);
    const cursor = open(fx);
    insertMany(fx, 3, 3);
    expect(await ids(cursor)).toEqual([3]);
  });

  it('resumeAfter and startAfter continue strictly after the event', async () => {
    const fx = new OplogFixture();
    const cursor = open(fx);
    insertMany(fx, 1, 4);
    const { docs } = await cursor.getMore({ maxTimeMS: 0 });
    expect(await ids(open(fx, { resumeAfter: docs[1]!._id }))).toEqual([3, 4]);
    expect(await ids(open(fx, { startAfter: docs[1]!._id }))).toEqual([3, 4]);
    expect(await ids(open(fx, { resumeAfter: docs[3]!._id }))).toEqual([]);
  });

  it('startAtOperationTime includes the event at that time', async () => {
    const fx = new OplogFixture();
    const [, t2] = insertMany(fx, 1, 3);
    expect(await ids(open(fx, { startAtOperationTime: t2 }))).toEqual([2, 3]);
  });

  it('refuses resumeAfter an invalidate (260) but startAfter it starts the stream again', async () => {
    const fx = new OplogFixture();
    fx.insert('d', 'c', { _id: 1 });
    const first = open(fx);
    fx.drop('d', 'c');
    fx.insert('d', 'c', { _id: 2 });
    const { docs } = await first.getMore({ maxTimeMS: 0 });
    const invalidate = docs[1]!;
    expect(invalidate.operationType).toBe('invalidate');
    expect(() => open(fx, { resumeAfter: invalidate._id })).toThrow(
      expect.objectContaining({ code: 260, codeName: 'InvalidResumeToken' }),
    );
    const restarted = open(fx, { startAfter: invalidate._id });
    const batch = await restarted.getMore({ maxTimeMS: 0, batchSize: 0 });
    // Its first postBatchResumeToken can be resumed from (an invalidate token could not).
    expect(() => open(fx, { resumeAfter: batch.postBatchResumeToken })).not.toThrow();
    expect(await ids(restarted)).toEqual([2]);
    // Resuming after the drop itself replays the invalidate.
    expect(await ids(open(fx, { resumeAfter: docs[0]!._id }))).toEqual(['invalidate']);
  });

  it('refuses a well-formed token for an event that is not in the history (280)', async () => {
    const fx = new OplogFixture();
    const [t1] = insertMany(fx, 1, 2);
    const forged = encodeResumeToken({ ts: t1!, step: 0, entryHash: 12345 });
    expect(() => open(fx, { resumeAfter: forged })).toThrow(
      expect.objectContaining({ code: 280, message: expect.stringMatching(/resume token was not found/) }),
    );
    // A real event, but of another collection: not an event this stream could have returned.
    fx.insert('d', 'other', { _id: 1 });
    const otherStream = openChangeStream(fx.context(), {
      db: 'd',
      coll: 'other',
      pipeline: [{ $changeStream: { startAtOperationTime: t1 } }],
    });
    const [foreign] = (await otherStream.getMore({ maxTimeMS: 0 })).docs;
    expect(() => open(fx, { resumeAfter: foreign!._id })).toThrow(expect.objectContaining({ code: 280 }));
    const future = encodeResumeToken({ ts: new Timestamp({ t: 9, i: 9 }), step: 0, entryHash: 1 });
    expect(() => open(fx, { resumeAfter: future })).toThrow(expect.objectContaining({ code: 280 }));
  });

  it('fails with ChangeStreamHistoryLost when the resume point fell out of the oplog', async () => {
    const fx = new OplogFixture(3);
    const cursor = open(fx);
    insertMany(fx, 1, 2);
    const { docs } = await cursor.getMore({ maxTimeMS: 0 });
    const start = fx.now();
    insertMany(fx, 3, 10);
    const lost = expect.objectContaining({
      code: 286,
      codeName: 'ChangeStreamHistoryLost',
      message: 'Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
    });
    expect(() => open(fx, { resumeAfter: docs[0]!._id })).toThrow(lost);
    expect(() => open(fx, { startAtOperationTime: start })).toThrow(lost);
    // What is still retained can be resumed from.
    expect(await ids(open(fx, { startAtOperationTime: fx.now() }))).toEqual([10]);
  });
});

describe('change stream cursor: falling behind', () => {
  it('fails with CappedPositionLost when the history it still had to read was dropped', async () => {
    const fx = new OplogFixture(3);
    const cursor = open(fx);
    insertMany(fx, 1, 10);
    await expect(cursor.getMore({ maxTimeMS: 0 })).rejects.toMatchObject({ code: 136, codeName: 'CappedPositionLost' });
    // A reader that kept up is fine.
    const current = open(fx);
    insertMany(fx, 11, 12);
    expect(await ids(current)).toEqual([11, 12]);
  });
});

describe('change stream cursor: batches', () => {
  it('caps batches at batchSize and keeps the rest for the next getMore', async () => {
    const fx = new OplogFixture();
    const cursor = open(fx);
    insertMany(fx, 1, 5);
    expect(await ids(cursor, 2)).toEqual([1, 2]);
    expect(await ids(cursor, 2)).toEqual([3, 4]);
    expect(await ids(cursor, 0)).toEqual([]);
    expect(await ids(cursor)).toEqual([5]);
  });

  it("gives the last event's token as postBatchResumeToken, and a high-water mark past non-matching writes", async () => {
    const fx = new OplogFixture();
    const cursor = open(fx);
    insertMany(fx, 1, 2);
    const batch = await cursor.getMore({ maxTimeMS: 0, batchSize: 1 });
    expect(batch.postBatchResumeToken).toEqual(batch.docs[0]!._id);
    const rest = await cursor.getMore({ maxTimeMS: 0 });
    fx.insert('d', 'elsewhere', { _id: 'x' });
    const empty = await cursor.getMore({ maxTimeMS: 0 });
    expect(empty.docs).toEqual([]);
    const tokens = [batch.postBatchResumeToken, rest.postBatchResumeToken, empty.postBatchResumeToken].map(
      (t) => t!._data as string,
    );
    expect(tokens[1]! > tokens[0]!).toBe(true);
    expect(tokens[2]! > tokens[1]!).toBe(true);
    // Resuming from a high-water mark neither repeats nor loses events.
    fx.insert('d', 'c', { _id: 3 });
    expect(await ids(open(fx, { resumeAfter: empty.postBatchResumeToken }))).toEqual([3]);
  });

  it('waits for a write when there is nothing, and returns at once when it comes', async () => {
    const fx = new OplogFixture();
    const cursor = open(fx);
    const pending = cursor.getMore({ maxTimeMS: 60_000 });
    fx.insert('d', 'elsewhere', { _id: 'skip' });
    fx.insert('d', 'c', { _id: 1 });
    const batch = await pending;
    expect(batch.docs.map((e) => e.documentKey._id)).toEqual([1]);
  });

  it('returns an empty batch when maxTimeMS passes without writes', async () => {
    const fx = new OplogFixture();
    const batch = await open(fx).getMore({ maxTimeMS: 5 });
    expect(batch).toMatchObject({ docs: [], exhausted: false });
  });

  it('kill() ends a waiting getMore and stops listening to the oplog', async () => {
    const fx = new OplogFixture();
    const cursor = open(fx);
    const pending = cursor.getMore({ maxTimeMS: 60_000 });
    cursor.kill();
    expect(await pending).toMatchObject({ docs: [], exhausted: true });
    cursor.kill();
    fx.insert('d', 'c', { _id: 1 });
    expect((await cursor.getMore({ maxTimeMS: 0 })).docs).toEqual([]);
  });
});

describe('change stream cursor: user pipeline', () => {
  it('runs $match, $project, $addFields and $unset on each event', async () => {
    const fx = new OplogFixture();
    const cursor = open(fx, {}, [
      { $match: { 'fullDocument.keep': true } },
      { $project: { operationType: 1, ns: 1, fullDocument: 1 } },
      { $addFields: { tag: 'x' } },
      { $unset: 'ns' },
    ]);
    fx.insert('d', 'c', { _id: 1, keep: false });
    fx.insert('d', 'c', { _id: 2, keep: true });
    const { docs } = await cursor.getMore({ maxTimeMS: 0 });
    expect(docs).toEqual([
      { _id: expect.anything(), operationType: 'insert', fullDocument: { _id: 2, keep: true }, tag: 'x' },
    ]);
  });

  it('applies the collation to $match string comparisons', async () => {
    const fx = new OplogFixture();
    const pipeline = [{ $changeStream: {} }, { $match: { 'fullDocument.name': 'ABC' } }];
    const ctx = fx.context();
    const collated = openChangeStream(ctx, { db: 'd', coll: 'c', pipeline, collation: { locale: 'en', strength: 2 } });
    const binary = openChangeStream(ctx, { db: 'd', coll: 'c', pipeline });
    fx.insert('d', 'c', { _id: 1, name: 'abc' });
    fx.insert('d', 'c', { _id: 2, name: 'ABC' });
    expect(await ids(collated)).toEqual([1, 2]);
    expect(await ids(binary)).toEqual([2]);
  });

  it('never lets a pipeline modify the history other streams read', async () => {
    const fx = new OplogFixture();
    const mutating = open(fx, {}, [{ $unset: 'fullDocument.a.b' }, { $set: { 'fullDocument.arr': [9] } }]);
    const plain = open(fx);
    fx.insert('d', 'c', { _id: 1, a: { b: 1, c: 2 }, arr: [1] });
    const [changed] = (await mutating.getMore({ maxTimeMS: 0 })).docs;
    expect(changed!.fullDocument).toEqual({ _id: 1, a: { c: 2 }, arr: [9] });
    const [original] = (await plain.getMore({ maxTimeMS: 0 })).docs;
    expect(original!.fullDocument).toEqual({ _id: 1, a: { b: 1, c: 2 }, arr: [1] });
  });

  it('fails with ChangeStreamFatalError when the pipeline removes or changes _id', async () => {
    const fx = new OplogFixture();
    const removed = open(fx, {}, [{ $project: { _id: 0 } }]);
    const changed = open(fx, {}, [{ $set: { _id: 'x' } }]);
    fx.insert('d', 'c', { _id: 1 });
    const fatal = {
      code: 280,
      codeName: 'ChangeStreamFatalError',
      extra: { errorLabels: ['NonResumableChangeStreamError'] },
    };
    await expect(removed.getMore({ maxTimeMS: 0 })).rejects.toMatchObject(fatal);
    await expect(changed.getMore({ maxTimeMS: 0 })).rejects.toMatchObject(fatal);
  });

  it('refuses stages that are not allowed in a change stream', () => {
    const fx = new OplogFixture();
    expect(() => open(fx, {}, [{ $group: { _id: null } }])).toThrow(
      expect.objectContaining({ code: 20, message: '$group is not permitted in a $changeStream pipeline' }),
    );
    expect(() => open(fx, {}, [{ $unsupported: 'foo' }])).toThrow(expect.objectContaining({ code: 40324 }));
    expect(() => open(fx, {}, [{ $changeStream: {} }])).toThrow(expect.objectContaining({ code: 40602 }));
  });
});
