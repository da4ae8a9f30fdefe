// Every usage example of ../shared/reference/motor-change-streams.md, through the client, the real
// bridge and a real (embedded or MONGODB_URI) replica set. Python's sleeps become `await stream.ready()`:
// the writer starts once the subscription is accepted, so no change can be missed.
import { type ChangeStreamDocument, ObjectId, Timestamp } from '@mongo-live/client';
import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { setUpLiveStack } from '../support/liveServer.js';

const stack = setUpLiveStack();

const db = () => stack.server.mongo.db;
const liveDb = () => stack.live.db(stack.server.mongo.dbName);
type Change = ChangeStreamDocument<Document> & Record<string, unknown>;
/** A failing writer closes the stream, so the test ends with the writer's error instead of waiting forever. */
const closeOnFailure = (writer: Promise<unknown>, stream: { close(): Promise<void> }) =>
  writer.catch(() => stream.close());

describe('Motor change-stream examples, in TypeScript', () => {
  it('basic monitoring: insert, update, delete through async iteration', async () => {
    const collection = db().collection('test_collection');
    const changeStream = liveDb().collection('test_collection').watch();
    await changeStream.ready();
    const makeChanges = (async () => {
      await collection.insertOne({ name: 'Alice', age: 30 });
      await collection.updateOne({ name: 'Alice' }, { $set: { age: 31 } });
      await collection.deleteOne({ name: 'Alice' });
    })();
    closeOnFailure(makeChanges, changeStream);
    const seen: Change[] = [];
    try {
      for await (const change of changeStream) {
        seen.push(change as Change);
        if (seen.length >= 3) break;
      }
    } finally {
      await changeStream.close();
      await makeChanges;
    }
    expect(seen.map((c) => c.operationType)).toEqual(['insert', 'update', 'delete']);
    const [insert, update, del] = seen as [Change, Change, Change];
    const id = (insert.documentKey as { _id: unknown })._id;
    expect(id).toBeInstanceOf(ObjectId);
    expect(insert.fullDocument).toEqual({ _id: id, name: 'Alice', age: 30 });
    expect(update.documentKey).toEqual({ _id: id });
    expect(update.updateDescription).toMatchObject({ updatedFields: { age: 31 }, removedFields: [] });
    expect(del.documentKey).toEqual({ _id: id });
    expect('fullDocument' in del).toBe(false);
    expect(changeStream.closed).toBe(true);
  });

  it('advanced options: updateLookup, maxAwaitTimeMS and batchSize with insertMany/updateMany/deleteMany', async () => {
    const collection = db().collection('users');
    const changeStream = liveDb()
      .collection('users')
      .watch([], { fullDocument: 'updateLookup', maxAwaitTimeMS: 1000, batchSize: 10 });
    await changeStream.ready();
    const generate = (async () => {
      await collection.insertMany([
        { name: 'Alice', age: 30, status: 'active' },
        { name: 'Bob', age: 25, status: 'active' },
        { name: 'Charlie', age: 35, status: 'inactive' },
      ]);
      await collection.updateMany({ status: 'active' }, { $inc: { age: 1 } });
      await collection.deleteMany({ status: 'inactive' });
    })();
    closeOnFailure(generate, changeStream);
    const seen: Change[] = [];
    let resumeToken: unknown;
    try {
      // tryNext: null only when nothing arrived within maxAwaitTimeMS; the writer still runs then.
      while (seen.length < 6) {
        const change = (await changeStream.tryNext()) as Change | null;
        if (change === null) continue;
        expect(change.clusterTime).toBeInstanceOf(Timestamp);
        expect(change.ns).toEqual({ db: stack.server.mongo.dbName, coll: 'users' });
        seen.push(change);
        resumeToken = change._id;
      }
    } finally {
      await changeStream.close();
      await generate;
    }
    expect(seen.map((c) => c.operationType)).toEqual(['insert', 'insert', 'insert', 'update', 'update', 'delete']);
    expect(seen.slice(0, 3).map((c) => (c.fullDocument as { name: string }).name)).toEqual(['Alice', 'Bob', 'Charlie']);
    for (const update of seen.slice(3, 5)) {
      const doc = update.fullDocument as { name: string; age: number; status: string };
      expect(doc.status).toBe('active');
      expect(doc.age).toBe(doc.name === 'Alice' ? 31 : 26);
      expect(update.updateDescription).toMatchObject({ updatedFields: { age: doc.age } });
    }
    const charlie = seen[2]?.fullDocument as { _id: ObjectId };
    expect(seen[5]?.documentKey).toEqual({ _id: charlie._id });
    expect(resumeToken).toEqual(seen[5]?._id);
    expect(changeStream.resumeToken).toBeTruthy();
  });

  it('pipeline filtering with $match, $or and $addFields', async () => {
    const collection = db().collection('products');
    const pipeline = [
      { $match: { operationType: { $in: ['insert', 'update'] } } },
      {
        $match: {
          $or: [
            { 'fullDocument.category': 'Electronics' },
            { 'updateDescription.updatedFields.category': 'Electronics' },
          ],
        },
      },
      // Motor's example writes "$$clusterTime", which MongoDB does not define; the event's own field is meant.
      { $addFields: { changeTimestamp: '$clusterTime', productName: '$fullDocument.name' } },
    ];
    const changeStream = liveDb().collection('products').watch(pipeline, { fullDocument: 'updateLookup' });
    await changeStream.ready();
    const makeProductChanges = (async () => {
      await collection.insertMany([
        { name: 'Laptop', category: 'Electronics', price: 999 },
        { name: 'Book', category: 'Literature', price: 20 },
        { name: 'Phone', category: 'Electronics', price: 699 },
        { name: 'Desk', category: 'Furniture', price: 299 },
      ]);
      await collection.updateMany({ category: 'Electronics' }, { $mul: { price: 0.9 } });
      await collection.updateMany({ category: 'Furniture' }, { $mul: { price: 0.8 } }); // filtered out
      await collection.updateOne({ name: 'Book' }, { $set: { category: 'Electronics' } });
    })();
    closeOnFailure(makeProductChanges, changeStream);
    const seen: Change[] = [];
    try {
      for await (const change of changeStream) {
        seen.push(change as Change);
        if (seen.length >= 5) break;
      }
    } finally {
      await changeStream.close();
      await makeProductChanges;
    }
    expect(seen.map((c) => [c.operationType, c.productName])).toEqual([
      ['insert', 'Laptop'],
      ['insert', 'Phone'],
      ['update', 'Laptop'],
      ['update', 'Phone'],
      ['update', 'Book'],
    ]);
    for (const change of seen) {
      expect((change.fullDocument as { category: string }).category).toBe('Electronics');
      expect(change.changeTimestamp).toBeInstanceOf(Timestamp);
      expect(change.changeTimestamp).toEqual(change.clusterTime);
    }
    expect(seen.map((c) => (c.fullDocument as { price: number }).price)).toEqual([999, 699, 999 * 0.9, 699 * 0.9, 20]);
  });

  it('resume token and error recovery: none lost, none repeated', async () => {
    const collection = db().collection('events');
    let resumeToken: unknown = null;
    const received: string[] = [];
    let writerStarted: (() => void) | undefined;
    const started = new Promise<void>((r) => {
      writerStarted = r;
    });
    const generateEvents = (async () => {
      await started;
      for (let i = 0; i < 10; i++) await collection.insertOne({ event: `Event ${i}`, timestamp: i });
    })();
    generateEvents.catch(() => undefined); // awaited below

    const watchWithResume = async () => {
      const changeStream = resumeToken
        ? liveDb().collection('events').watch([], { resumeAfter: resumeToken })
        : liveDb().collection('events').watch();
      await changeStream.ready();
      writerStarted?.();
      let changeCount = 0;
      try {
        for await (const change of changeStream) {
          changeCount++;
          received.push((change as Change & { fullDocument: { event: string } }).fullDocument.event);
          resumeToken = change._id;
          if (changeCount === 3 && received.length === 3) throw new Error('Simulated connection error');
          if (received.length === 10) break;
        }
      } catch (error) {
        expect((error as Error).message).toBe('Simulated connection error');
      } finally {
        await changeStream.close();
      }
    };

    await watchWithResume(); // interrupted after 3 changes
    expect(received).toHaveLength(3);
    await watchWithResume(); // resumes from the saved token
    await generateEvents;
    expect(received).toEqual(Array.from({ length: 10 }, (_, i) => `Event ${i}`));
  });

  it('multi-collection monitoring: a database-level watch filtered on ns.coll', async () => {
    const changeStream = liveDb().watch([{ $match: { 'ns.coll': { $in: ['users2', 'orders', 'products2'] } } }]);
    await changeStream.ready();
    const makeChanges = (async () => {
      await db().collection('users2').insertOne({ name: 'Alice', email: 'alice@example.com' });
      await db().collection('audit').insertOne({ ignored: true }); // not in the list
      await db().collection('products2').insertOne({ name: 'Laptop', price: 999 });
      await db()
        .collection('orders')
        .insertOne({ user: 'alice@example.com', product: 'Laptop', quantity: 1, total: 999 });
      await db()
        .collection('users2')
        .updateOne({ email: 'alice@example.com' }, { $set: { last_order: 'Laptop' } });
    })();
    const seen: Change[] = [];
    try {
      for await (const change of changeStream) {
        seen.push(change as Change);
        if (seen.length >= 4) break;
      }
    } finally {
      await changeStream.close();
      await makeChanges;
    }
    expect(seen.map((c) => [(c.ns as { coll: string }).coll, c.operationType])).toEqual([
      ['users2', 'insert'],
      ['products2', 'insert'],
      ['orders', 'insert'],
      ['users2', 'update'],
    ]);
    expect(seen[0]?.fullDocument).toMatchObject({ name: 'Alice', email: 'alice@example.com' });
    expect(seen[3]?.updateDescription).toMatchObject({ updatedFields: { last_order: 'Laptop' } });
  });

  it('context manager: `await using` closes the stream, and the bridge forgets it', async () => {
    const collection = db().collection('notifications');
    const before = stack.server.bridge.stats().subscriptions;
    let outer: { closed: boolean } | undefined;
    const lines: string[] = [];
    {
      await using changeStream = liveDb().collection('notifications').watch();
      outer = changeStream;
      await changeStream.ready();
      expect(stack.server.bridge.stats().subscriptions).toBe(before + 1);
      const sendNotifications = (async () => {
        for (const notification of [
          { type: 'email', recipient: 'user1@example.com', message: 'Welcome!' },
          { type: 'sms', recipient: '+1234567890', message: 'Code: 123' },
          { type: 'push', recipient: 'device123', message: 'New message' },
        ])
          await collection.insertOne(notification);
      })();
      closeOnFailure(sendNotifications, changeStream);
      let changeCount = 0;
      while (changeCount < 3) {
        const change = (await changeStream.next()) as Change;
        changeCount++;
        const doc = change.fullDocument as { type: string; recipient: string };
        lines.push(`Notification ${changeCount}: ${doc.type} to ${doc.recipient}`);
      }
      await sendNotifications;
    }
    expect(outer?.closed).toBe(true);
    expect(lines).toEqual([
      'Notification 1: email to user1@example.com',
      'Notification 2: sms to +1234567890',
      'Notification 3: push to device123',
    ]);
    expect(stack.server.bridge.stats().subscriptions).toBe(before);
  });

  it('tryNext resolves null on an idle stream, like try_next', async () => {
    const stream = liveDb().collection('idle').watch([], { maxAwaitTimeMS: 100 });
    await stream.ready();
    expect(await stream.tryNext()).toBeNull();
    expect(stream.alive).toBe(true);
    await stream.close();
    expect(stream.alive).toBe(false);
  });
});
