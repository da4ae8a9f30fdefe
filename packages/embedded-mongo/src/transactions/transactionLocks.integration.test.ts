import type { Collection, Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useDriverFixture } from '../testing/driverFixture.js';
import { serverError } from '../testing/serverError.js';

// Writes outside a transaction against documents an open transaction wrote, and the transaction
// lifetime limit, through the official driver.
const fx = useDriverFixture('txnlocks');

/** Tracks whether a promise has settled, without waiting for it. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  tracked.catch(() => {});
  return { promise: tracked, settled: () => done };
}

async function seeded(docs: Document[]): Promise<Collection> {
  const coll = fx.freshDb().collection('c');
  await coll.insertMany(docs);
  return coll;
}

describe('writes outside a transaction wait for its locks', () => {
  it('an update of a document the transaction wrote waits for the commit, then applies on top of it', async () => {
    const coll = await seeded([
      { _id: 'a' as never, n: 0 },
      { _id: 'b' as never, n: 0 },
    ]);
    const session = fx.client.startSession();
    session.startTransaction();
    await coll.updateOne({ _id: 'a' as never }, { $inc: { n: 1 } }, { session });
    const outside = track(coll.updateOne({ _id: 'a' as never }, { $inc: { n: 10 } }));
    // Reads and writes of other documents do not wait; the blocked write stays blocked meanwhile.
    expect(await coll.findOne({ _id: 'a' as never })).toEqual({ _id: 'a', n: 0 });
    await coll.updateOne({ _id: 'b' as never }, { $inc: { n: 5 } });
    expect(outside.settled()).toBe(false);
    // The transaction now touches 'b', written outside after its snapshot: WriteConflict.
    const conflict = await serverError(coll.updateOne({ _id: 'b' as never }, { $inc: { n: 5 } }, { session }));
    expect(conflict.codeName).toBe('WriteConflict');
    expect(conflict.hasErrorLabel('TransientTransactionError')).toBe(true);
    await session.abortTransaction().catch(() => {});
    // The transaction touched 'b' after an outside write: it got a WriteConflict and was aborted,
    // which released 'a'. The blocked write then ran on the pre-transaction state.
    expect((await outside.promise).modifiedCount).toBe(1);
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', n: 10 },
      { _id: 'b', n: 5 },
    ]);
    await session.endSession();
  });

  it('after a commit, waiting writes see the committed documents (update, delete, insert of the same _id, updateMany)', async () => {
    const coll = await seeded([
      { _id: 1 as never, n: 0, k: 'x' },
      { _id: 2 as never, n: 0, k: 'x' },
      { _id: 3 as never, n: 0, k: 'x' },
    ]);
    const session = fx.client.startSession();
    session.startTransaction();
    await coll.updateOne({ _id: 2 as never }, { $set: { n: 1 } }, { session });
    await coll.updateOne({ _id: 3 as never }, { $set: { k: 'y' } }, { session });
    await coll.insertOne({ _id: 4 as never, n: 0, k: 'x' }, { session });
    const many = track(coll.updateMany({ k: 'x' }, { $inc: { n: 100 } }));
    const dup = track(coll.insertOne({ _id: 4 as never, other: true }));
    const removed = track(coll.deleteOne({ _id: 3 as never, k: 'x' }));
    expect(await coll.countDocuments()).toBe(3);
    expect([many.settled(), dup.settled(), removed.settled()]).toEqual([false, false, false]);
    await session.commitTransaction();
    await session.endSession();
    // updateMany: 1 at once, 2 after the commit (still k: 'x'), 3 no longer matching, 4 is not in
    // its snapshot of matches (it did not exist when the statement started).
    expect(await many.promise).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect((await serverError(dup.promise)).code).toBe(11000);
    expect((await removed.promise).deletedCount).toBe(0);
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, n: 100, k: 'x' },
      { _id: 2, n: 101, k: 'x' },
      { _id: 3, n: 0, k: 'y' },
      { _id: 4, n: 0, k: 'x' },
    ]);
  });

  it('gives up at maxTimeMS with MaxTimeMSExpired, leaving the document and the transaction alone', async () => {
    const coll = await seeded([{ _id: 'a' as never, n: 0 }]);
    const session = fx.client.startSession();
    session.startTransaction();
    await coll.updateOne({ _id: 'a' as never }, { $set: { n: 1 } }, { session });
    const error = await serverError(
      coll.findOneAndUpdate({ _id: 'a' as never }, { $set: { n: 2 } }, { maxTimeMS: 100 }),
    );
    expect(error.code).toBe(50);
    const deleted = await serverError(
      coll.db.command({ delete: 'c', deletes: [{ q: { _id: 'a' }, limit: 1 }], maxTimeMS: 50 }),
    );
    expect(deleted.codeName).toBe('MaxTimeMSExpired');
    await session.commitTransaction();
    await session.endSession();
    expect(await coll.findOne({ _id: 'a' as never })).toEqual({ _id: 'a', n: 1 });
  });
});

describe('aggregation writes wait too', () => {
  it('$merge waits per document, $out waits for the target like DDL', async () => {
    const coll = await seeded([
      { _id: 1 as never, n: 0 },
      { _id: 2 as never, n: 0 },
    ]);
    const source = coll.db.collection('source');
    await source.insertMany([
      { _id: 1 as never, m: 1 },
      { _id: 2 as never, m: 2 },
    ]);
    const session = fx.client.startSession();
    session.startTransaction();
    await coll.updateOne({ _id: 2 as never }, { $set: { n: 1 } }, { session });
    const merged = track(source.aggregate([{ $merge: { into: 'c' } }]).toArray());
    // Document 1 is merged at once; document 2 waits for the transaction.
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, n: 0, m: 1 },
      { _id: 2, n: 0 },
    ]);
    expect(merged.settled()).toBe(false);
    await session.commitTransaction();
    await merged.promise;
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, n: 0, m: 1 },
      { _id: 2, n: 1, m: 2 },
    ]);
    // $out replaces the whole target: it waits for a transaction that read it.
    session.startTransaction();
    expect(await coll.countDocuments({}, { session })).toBe(2);
    const out = track(source.aggregate([{ $out: 'c' }]).toArray());
    expect(await coll.countDocuments({ n: 1 })).toBe(1);
    expect(out.settled()).toBe(false);
    await session.abortTransaction();
    await session.endSession();
    await out.promise;
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, m: 1 },
      { _id: 2, m: 2 },
    ]);
  });
});

describe('DDL waits for the transactions using a collection', () => {
  it('drop waits for the commit; drop, rename, collMod and index DDL give up at maxTimeMS; other collections do not wait', async () => {
    const coll = await seeded([{ _id: 1 as never }]);
    const db = coll.db;
    await db.collection('other').insertOne({ _id: 1 as never });
    const session = fx.client.startSession();
    session.startTransaction();
    expect(await coll.findOne({ _id: 1 as never }, { session })).toEqual({ _id: 1 });
    await coll.insertOne({ _id: 2 as never }, { session });
    expect((await serverError(db.command({ drop: 'c', maxTimeMS: 50 }))).codeName).toBe('MaxTimeMSExpired');
    for (const ddl of [
      { collMod: 'c', validator: {} },
      { createIndexes: 'c', indexes: [{ key: { n: 1 }, name: 'n_1' }] },
      { dropIndexes: 'c', index: '*' },
    ]) {
      expect((await serverError(db.command({ ...ddl, maxTimeMS: 50 }))).codeName, Object.keys(ddl)[0]).toBe(
        'MaxTimeMSExpired',
      );
    }
    await db.collection('other').drop();
    const rename = { renameCollection: `${db.databaseName}.c`, to: `${db.databaseName}.d`, maxTimeMS: 50 };
    expect((await serverError(fx.client.db('admin').command(rename))).codeName).toBe('MaxTimeMSExpired');
    const dropped = track(db.collection('c').drop());
    expect(await db.collection('c').countDocuments()).toBe(1);
    expect(dropped.settled()).toBe(false);
    await session.commitTransaction();
    await session.endSession();
    expect(await dropped.promise).toBe(true);
    expect(await db.listCollections().toArray()).toEqual([]);
  });
});

describe('transactionLifetimeLimitSeconds', () => {
  it('is read and set with getParameter / setParameter, and checked', async () => {
    const admin = fx.client.db('admin');
    expect(await admin.command({ getParameter: 1, transactionLifetimeLimitSeconds: 1 })).toMatchObject({
      transactionLifetimeLimitSeconds: 60,
    });
    expect((await serverError(admin.command({ setParameter: 1, transactionLifetimeLimitSeconds: 0 }))).codeName).toBe(
      'BadValue',
    );
    expect((await serverError(admin.command({ setParameter: 1, noSuchParameter: 1 }))).codeName).toBe('InvalidOptions');
    expect(
      (await serverError(fx.freshDb().command({ setParameter: 1, transactionLifetimeLimitSeconds: 5 }))).codeName,
    ).toBe('Unauthorized');
  });

  it('aborts a transaction open longer than the limit: its locks go, its commit is NoSuchTransaction', async () => {
    const admin = fx.client.db('admin');
    expect(await admin.command({ setParameter: 1, transactionLifetimeLimitSeconds: 1 })).toMatchObject({ was: 60 });
    try {
      const coll = await seeded([{ _id: 'a' as never, n: 0 }]);
      const session = fx.client.startSession();
      session.startTransaction();
      await coll.updateOne({ _id: 'a' as never }, { $set: { n: 1 } }, { session });
      await coll.insertOne({ _id: 'b' as never }, { session });
      // This write waits on the transaction's lock; it goes through once the server aborts the
      // transaction for its age (nothing else would end it).
      await coll.updateOne({ _id: 'a' as never }, { $set: { outside: true } });
      const error = await serverError(session.commitTransaction());
      expect(error.codeName).toBe('NoSuchTransaction');
      expect(error.hasErrorLabel('TransientTransactionError')).toBe(true);
      await session.endSession();
      expect(await coll.find().toArray()).toEqual([{ _id: 'a', n: 0, outside: true }]);
    } finally {
      await admin.command({ setParameter: 1, transactionLifetimeLimitSeconds: 60 });
    }
  });
});
