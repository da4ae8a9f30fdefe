import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useDriverFixture } from '../testing/driverFixture.js';
import { serverError } from '../testing/serverError.js';

// Multi-document transactions through the official driver: atomic commit, snapshot reads,
// write conflicts, and their change events as MongoDB emits them.
const fx = useDriverFixture('txn');

const freshDb = () => fx.freshDb();

describe('transactions', () => {
  it('commit all writes at once; readers outside see nothing before the commit', async () => {
    const db = freshDb();
    const accounts = db.collection('accounts');
    const log = db.collection('log');
    await accounts.insertMany([
      { _id: 'a' as never, balance: 100 },
      { _id: 'b' as never, balance: 0 },
    ]);
    await log.insertOne({ _id: 0 as never });
    const session = fx.client.startSession();
    session.startTransaction();
    await accounts.updateOne({ _id: 'a' as never }, { $inc: { balance: -30 } }, { session });
    await accounts.updateOne({ _id: 'b' as never }, { $inc: { balance: 30 } }, { session });
    await log.insertOne({ _id: 1 as never, moved: 30 }, { session });
    // Inside: the transaction's own writes. Outside: the state before it.
    expect(await accounts.findOne({ _id: 'a' as never }, { session })).toMatchObject({ balance: 70 });
    expect(await log.countDocuments({}, { session })).toBe(2);
    expect(await accounts.findOne({ _id: 'a' as never })).toMatchObject({ balance: 100 });
    expect(await log.countDocuments()).toBe(1);
    await session.commitTransaction();
    await session.endSession();
    expect(await accounts.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', balance: 70 },
      { _id: 'b', balance: 30 },
    ]);
    expect(await log.countDocuments()).toBe(2);
  });

  it('abort drops every write', async () => {
    const db = freshDb();
    const coll = db.collection('c');
    await coll.insertOne({ _id: 1 as never, n: 1 });
    const session = fx.client.startSession();
    session.startTransaction();
    await coll.insertOne({ _id: 2 as never }, { session });
    await coll.updateOne({ _id: 1 as never }, { $set: { n: 2 } }, { session });
    await session.abortTransaction();
    await session.endSession();
    expect(await coll.find().toArray()).toEqual([{ _id: 1, n: 1 }]);
  });

  it('read a snapshot: commits after the transaction started are not seen', async () => {
    const db = freshDb();
    const coll = db.collection('c');
    await coll.insertMany([{ _id: 1 as never, v: 'old' }, { _id: 2 as never }]);
    const session = fx.client.startSession();
    session.startTransaction({ readConcern: { level: 'snapshot' } });
    expect(await coll.findOne({ _id: 2 as never }, { session })).toEqual({ _id: 2 });
    await coll.updateOne({ _id: 1 as never }, { $set: { v: 'new' } });
    await coll.insertOne({ _id: 3 as never });
    await coll.deleteOne({ _id: 2 as never });
    expect(await coll.find({}, { session }).sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, v: 'old' }, { _id: 2 }]);
    await session.commitTransaction();
    await session.endSession();
    expect(await coll.countDocuments()).toBe(2);
  });

  it('a document held by another open transaction is a WriteConflict with TransientTransactionError', async () => {
    const db = freshDb();
    const coll = db.collection('c');
    await coll.insertOne({ _id: 1 as never, n: 0 });
    const first = fx.client.startSession();
    const second = fx.client.startSession();
    first.startTransaction();
    second.startTransaction();
    await coll.updateOne({ _id: 1 as never }, { $inc: { n: 1 } }, { session: first });
    const conflict = await serverError(coll.updateOne({ _id: 1 as never }, { $inc: { n: 10 } }, { session: second }));
    expect(conflict.code).toBe(112);
    expect(conflict.hasErrorLabel('TransientTransactionError')).toBe(true);
    // The conflict aborted the second transaction; the first commits.
    await second.abortTransaction();
    await first.commitTransaction();
    expect(await coll.findOne({ _id: 1 as never })).toEqual({ _id: 1, n: 1 });
    await Promise.all([first.endSession(), second.endSession()]);
  });

  it('a document changed after the snapshot is a WriteConflict; withTransaction retries and succeeds', async () => {
    const db = freshDb();
    const coll = db.collection('c');
    await coll.insertOne({ _id: 1 as never, n: 0 });
    const session = fx.client.startSession();
    session.startTransaction();
    await coll.findOne({ _id: 1 as never }, { session }); // snapshot taken
    await coll.updateOne({ _id: 1 as never }, { $inc: { n: 1 } }); // outside the transaction
    const conflict = await serverError(coll.updateOne({ _id: 1 as never }, { $inc: { n: 5 } }, { session }));
    expect(conflict.code).toBe(112);
    await session.abortTransaction();

    let attempts = 0;
    await session.withTransaction(async () => {
      attempts++;
      await coll.findOne({ _id: 1 as never }, { session });
      if (attempts === 1) await coll.updateOne({ _id: 1 as never }, { $inc: { n: 1 } });
      await coll.updateOne({ _id: 1 as never }, { $inc: { n: 100 } }, { session });
    });
    expect(attempts).toBe(2);
    expect(await coll.findOne({ _id: 1 as never })).toEqual({ _id: 1, n: 102 });
    await session.endSession();
  });

  it('a failed statement aborts the transaction (NoSuchTransaction afterwards)', async () => {
    const db = freshDb();
    const coll = db.collection('c');
    await coll.insertOne({ _id: 1 as never });
    const session = fx.client.startSession();
    session.startTransaction();
    const duplicate = await serverError(coll.insertOne({ _id: 1 as never }, { session }));
    expect(duplicate.code).toBe(11000);
    const after = await serverError(coll.insertOne({ _id: 2 as never }, { session }));
    expect(after.code).toBe(251);
    expect(after.hasErrorLabel('TransientTransactionError')).toBe(true);
    await session.abortTransaction().catch(() => undefined);
    await session.endSession();
    expect(await coll.countDocuments()).toBe(1);
  });

  it('commands a transaction may not run fail with OperationNotSupportedInTransaction (263)', async () => {
    const db = freshDb();
    const session = fx.client.startSession();
    session.startTransaction();
    const error = await serverError(db.command({ listCollections: 1 }, { session }));
    expect(error.code).toBe(263);
    await session.abortTransaction().catch(() => undefined);
    await session.endSession();
  });
});

describe('change events of transactions', () => {
  it('a commit yields its writes in order, at one clusterTime, with lsid and txnNumber first', async () => {
    const db = freshDb();
    const a = db.collection('a');
    const b = db.collection('b');
    await a.insertOne({ _id: 1 as never, n: 0 });
    await b.insertOne({ _id: 0 as never });
    const stream = db.watch([], { fullDocument: 'updateLookup' });
    await stream.tryNext();
    const session = fx.client.startSession();
    session.startTransaction();
    await a.updateOne({ _id: 1 as never }, { $set: { n: 1 } }, { session });
    await b.insertOne({ _id: 1 as never, x: 1 }, { session });
    await a.deleteOne({ _id: 1 as never }, { session });
    // An aborted transaction yields nothing.
    const aborted = fx.client.startSession();
    aborted.startTransaction();
    await b.insertOne({ _id: 99 as never }, { session: aborted });
    await aborted.abortTransaction();
    await session.commitTransaction();
    await b.insertOne({ _id: 2 as never }); // after the transaction, outside it
    const events = [await stream.next(), await stream.next(), await stream.next(), await stream.next()] as Document[];
    expect(events.map((e) => [e.operationType, e.ns.coll, e.documentKey._id])).toEqual([
      ['update', 'a', 1],
      ['insert', 'b', 1],
      ['delete', 'a', 1],
      ['insert', 'b', 2],
    ]);
    const [update, insert, del, outside] = events as [Document, Document, Document, Document];
    for (const event of [update, insert, del]) {
      expect(Object.keys(event).slice(0, 3)).toEqual(['txnNumber', 'lsid', '_id']);
      expect(event.lsid.id.toString('hex')).toBe(session.id!.id.toString('hex'));
      expect(event.txnNumber.toString()).toBe(update.txnNumber.toString());
      expect(event.clusterTime.equals(update.clusterTime)).toBe(true);
    }
    expect(update._id._data < insert._id._data && insert._id._data < del._id._data).toBe(true);
    expect(outside).not.toHaveProperty('lsid');
    expect(outside.clusterTime.greaterThan(update.clusterTime)).toBe(true);
    // Resuming after the first write of the transaction delivers the rest of it.
    const resumed = db.watch([], { resumeAfter: update._id });
    expect(((await resumed.next()) as Document)._id).toEqual(insert._id);
    expect(((await resumed.next()) as Document)._id).toEqual(del._id);
    await Promise.all([resumed.close(), stream.close(), session.endSession(), aborted.endSession()]);
  });
});
