import { MongoClient as Client, type Document, type MongoClient, type MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedMongo } from '../EmbeddedMongo.js';

// An update whose pre- and post-image are ~9 MB each makes an event over 16 MiB.
let server: EmbeddedMongo;
let client: MongoClient;

beforeAll(async () => {
  server = await EmbeddedMongo.start({ noopIntervalMS: 0 });
  client = await new Client(server.uri, { serverSelectionTimeoutMS: 10_000 }).connect();
});

afterAll(async () => {
  await client?.close(true);
  await server?.stop();
});

const NINE_MB = 9 * 1024 * 1024;

async function largeUpdate(dbName: string) {
  const db = client.db(dbName);
  await db.createCollection('c', { changeStreamPreAndPostImages: { enabled: true } });
  const coll = db.collection('c');
  await coll.insertOne({ _id: 1 as never, big: 'a'.repeat(NINE_MB) });
  const start = (await db.command({ ping: 1 })).operationTime;
  await coll.updateOne({ _id: 1 as never }, { $set: { big: 'b'.repeat(NINE_MB) } });
  return { db, start };
}

describe('events over 16 MiB', () => {
  it('are split by $changeStreamSplitLargeEvent into fragments, as MongoDB 7/8 do', async () => {
    const { db, start } = await largeUpdate('split');
    const stream = db.collection('c').watch([{ $changeStreamSplitLargeEvent: {} }], {
      startAtOperationTime: start,
      fullDocumentBeforeChange: 'required',
    });
    const insert = (await stream.next()) as Document; // 9 MB: not split
    expect(insert).toMatchObject({ operationType: 'insert' });
    expect(insert).not.toHaveProperty('splitEvent');
    const first = (await stream.next()) as Document;
    const second = (await stream.next()) as Document;
    expect(first.splitEvent).toEqual({ fragment: 1, of: 2 });
    expect(second.splitEvent).toEqual({ fragment: 2, of: 2 });
    // Fields by size, smallest first, as many as fit: the first fragment holds all but the largest.
    expect(Object.keys(first).slice(0, 2)).toEqual(['_id', 'splitEvent']);
    expect(first).toMatchObject({ operationType: 'update', documentKey: { _id: 1 } });
    expect(Object.keys(first)).toEqual([
      '_id',
      'splitEvent',
      'wallTime',
      'clusterTime',
      'operationType',
      'documentKey',
      'ns',
      'fullDocumentBeforeChange',
    ]);
    expect(first.fullDocumentBeforeChange.big[0]).toBe('a');
    // updateDescription (with its empty arrays) is a few bytes larger than the pre-image: last.
    expect(Object.keys(second)).toEqual(['_id', 'splitEvent', 'updateDescription']);
    expect(second.updateDescription.updatedFields.big).toHaveLength(NINE_MB);
    expect(first._id._data < second._id._data).toBe(true);
    await stream.close();

    // Resuming from the first fragment's token delivers the rest of the event.
    const resumed = db.collection('c').watch([{ $changeStreamSplitLargeEvent: {} }], {
      resumeAfter: first._id,
      fullDocumentBeforeChange: 'required',
    });
    const rest = (await resumed.next()) as Document;
    expect(rest._id).toEqual(second._id);
    expect(rest.splitEvent).toEqual({ fragment: 2, of: 2 });
    await resumed.close();
  });

  it('without the stage, fail with BSONObjectTooLarge (10334), not an internal error', async () => {
    const { db, start } = await largeUpdate('toolarge');
    const stream = db.collection('c').watch([], { startAtOperationTime: start, fullDocumentBeforeChange: 'required' });
    expect(await stream.next()).toMatchObject({ operationType: 'insert' });
    const error = (await stream.next().then(
      () => undefined,
      (e: MongoServerError) => e,
    )) as MongoServerError;
    expect(error.code).toBe(10334);
    expect(error.codeName).toBe('BSONObjectTooLarge');
    expect(error.message).toMatch(/^Executor error during (aggregate|getMore) :: caused by :: BSONObj size: \d+/);
    await stream.close();
  });

  it('$changeStreamSplitLargeEvent must be the last stage', async () => {
    const db = client.db('splitlast');
    const error = await db
      .command({
        aggregate: 'c',
        pipeline: [{ $changeStream: {} }, { $changeStreamSplitLargeEvent: {} }, { $match: {} }],
        cursor: {},
      })
      .catch((e: MongoServerError) => e);
    expect((error as MongoServerError).code).toBe(40601);
  });
});
