import { compareValues } from '@mongo-live/bson-order';
import type { Timestamp } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveQueryEngine } from '../../packages/server-bridge/src/live-query/LiveQueryEngine.js';
import { readWindow } from '../../packages/server-bridge/src/live-query/readWindow.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';

describe('readWindow', () => {
  let mongo: TestMongo;
  beforeAll(async () => {
    mongo = await startTestMongo({ dbPrefix: 'read_window' });
  });
  afterAll(() => mongo?.close());

  // The time a read reports must not be later than a write it misses: the live query drops the
  // events at or before it as already read. A result of several batches, read while writes go on,
  // used to report its last getMore's time.
  it('is complete up to the cluster time it reports, for a result of several batches under writes', async () => {
    const coll = mongo.db.collection<{ _id: number; n: number }>('window');
    await coll.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: i, n: i })));
    const writer = await mongo.connect();
    const writes: Array<{ id: number; at: Timestamp }> = [];
    let running = true;
    const writing = (async () => {
      for (let id = 1000; running; id++) {
        const session = writer.startSession({ causalConsistency: true });
        await writer
          .db(mongo.dbName)
          .collection<{ _id: number; n: number }>('window')
          .insertOne({ _id: id, n: id }, { session });
        writes.push({ id, at: session.operationTime as Timestamp });
        await session.endSession();
      }
    })();
    const engine = new LiveQueryEngine({ db: mongo.dbName, collection: 'window', filter: {}, sort: [['n', 1]] });
    let missed = 0;
    try {
      for (let i = 0; i < 30; i++) {
        const read = await readWindow(mongo.client, mongo.dbName, 'window', engine);
        expect(read.operationTime).toBeDefined();
        const ids = new Set(read.docs.map((d) => d._id));
        missed += writes.filter((w) => compareValues(w.at, read.operationTime) <= 0 && !ids.has(w.id)).length;
      }
    } finally {
      running = false;
      await writing;
    }
    expect(writes.length).toBeGreaterThan(30);
    expect(missed).toBe(0);
  });
});
