import net from 'node:net';
import { BSON } from 'bson';
import { MongoClient, type ServerHeartbeatFailedEvent } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { EmbeddedMongo } from '../EmbeddedMongo.js';
import { useDriverFixture } from '../testing/driverFixture.js';

const fx = useDriverFixture('wire');

/** Sends raw bytes and resolves with whatever comes back before the server closes or `ms` pass. */
function rawExchange(bytes: Buffer, ms = 300): Promise<{ closed: boolean; received: Buffer }> {
  return new Promise((resolve) => {
    const socket = net.connect(fx.server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => {
      closed = true;
    });
    socket.on('error', () => undefined);
    socket.write(bytes);
    setTimeout(() => {
      socket.destroy();
      resolve({ closed, received: Buffer.concat(chunks) });
    }, ms);
  });
}

function opMsg(body: object, flags = 0): Buffer {
  const doc = BSON.serialize(body);
  const head = Buffer.alloc(21);
  head.writeInt32LE(21 + doc.length, 0);
  head.writeInt32LE(7, 4);
  head.writeInt32LE(2013, 12);
  head.writeUInt32LE(flags, 16);
  return Buffer.concat([head, doc]);
}

describe('wire protocol', () => {
  it('answers hello as the primary of a one-node replica set', async () => {
    const reply = await fx.client.db('admin').command({ hello: 1 }, { promoteLongs: false });
    expect(reply).toMatchObject({
      ok: 1,
      isWritablePrimary: true,
      secondary: false,
      setName: 'rs0',
      minWireVersion: 0,
      maxWireVersion: 25,
      logicalSessionTimeoutMinutes: 30,
    });
    const address = `127.0.0.1:${fx.server.port}`;
    expect(reply.hosts).toEqual([address]);
    expect(reply.me).toBe(address);
    expect(reply.primary).toBe(address);
    expect(reply.topologyVersion.processId._bsontype).toBe('ObjectId');
    expect(reply.topologyVersion.counter._bsontype).toBe('Long');
    expect(reply.$clusterTime.signature.keyId).toBeDefined();
    expect(reply.operationTime).toBeDefined();
  });

  it('uses the URI as-is and reports the port', () => {
    expect(fx.server.uri).toBe(`mongodb://127.0.0.1:${fx.server.port}/?replicaSet=rs0`);
  });

  it('answers an unknown command with CommandNotFound', async () => {
    await expect(fx.client.db('test').command({ frobnicate: 1 })).rejects.toMatchObject({
      code: 59,
      codeName: 'CommandNotFound',
      message: "no such command: 'frobnicate'",
    });
  });

  it('answers buildInfo as MongoDB 8.0', async () => {
    const info = await fx.client.db('admin').command({ buildInfo: 1 });
    expect(info.version).toBe('8.0.0');
    expect(info.versionArray).toEqual([8, 0, 0, 0]);
  });

  it('keeps monitoring healthy over several awaitable hello heartbeats', async () => {
    const monitored = new MongoClient(fx.server.uri, { heartbeatFrequencyMS: 500, serverSelectionTimeoutMS: 5000 });
    const failures: ServerHeartbeatFailedEvent[] = [];
    monitored.on('serverHeartbeatFailed', (event) => failures.push(event));
    let awaited = 0;
    const threeAwaitedHeartbeats = new Promise<void>((resolve) => {
      monitored.on('serverHeartbeatSucceeded', (event) => {
        if (event.awaited && ++awaited >= 3) resolve();
      });
    });
    await monitored.connect();
    await threeAwaitedHeartbeats;
    await monitored.db('admin').command({ ping: 1 });
    await monitored.close();
    expect(failures).toEqual([]);
  });

  it('closes a connection that sends garbage and keeps serving others', async () => {
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect((await rawExchange(garbage)).closed).toBe(true);
    const badBson = opMsg({ ping: 1 });
    badBson.writeInt32LE(9999, 22); // BSON length inside the section is now wrong
    expect((await rawExchange(badBson)).closed).toBe(true);
    const badOpcode = opMsg({ ping: 1 });
    badOpcode.writeInt32LE(4242, 12);
    expect((await rawExchange(badOpcode)).closed).toBe(true);
    expect((await fx.client.db('admin').command({ ping: 1 })).ok).toBe(1);
  });

  it('answers a raw OP_MSG ping and sends no reply when moreToCome is set', async () => {
    const answered = await rawExchange(opMsg({ ping: 1, $db: 'admin' }));
    expect(answered.received.readInt32LE(12)).toBe(2013);
    expect(BSON.deserialize(answered.received.subarray(21)).ok).toBe(1);
    const silent = await rawExchange(opMsg({ ping: 1, $db: 'admin' }, 2));
    expect(silent.received.length).toBe(0);
  });
});

describe('EmbeddedMongo lifecycle', () => {
  it('stop() closes connections and frees the port', async () => {
    const own = await EmbeddedMongo.start();
    const ownClient = await new MongoClient(own.uri, { serverSelectionTimeoutMS: 2000 }).connect();
    await ownClient.db('admin').command({ ping: 1 });
    await own.stop();
    const again = await EmbeddedMongo.start({ port: own.port });
    expect(again.port).toBe(own.port);
    await again.stop();
    await ownClient.close(true);
  });

  it('keeps oplogCapacity writes of history: resuming before them is ChangeStreamHistoryLost', async () => {
    const own = await EmbeddedMongo.start({ oplogCapacity: 5 });
    const ownClient = await new MongoClient(own.uri).connect();
    const coll = ownClient.db('history').collection('c');
    const stream = coll.watch([], { maxAwaitTimeMS: 50 });
    await stream.tryNext();
    await coll.insertOne({ first: true });
    const first = await stream.next();
    await stream.close();
    await coll.insertMany(Array.from({ length: 10 }, (_, i) => ({ i })));
    const resumed = coll.watch([], { resumeAfter: first._id });
    const error = await resumed.next().catch((e) => e);
    expect(error.code).toBe(286);
    await resumed.close();
    await ownClient.close();
    await own.stop();
  });

  it('honours host, port and replSetName', async () => {
    const own = await EmbeddedMongo.start({ host: '127.0.0.1', replSetName: 'other' });
    expect(own.uri).toBe(`mongodb://127.0.0.1:${own.port}/?replicaSet=other`);
    const ownClient = await new MongoClient(own.uri, { serverSelectionTimeoutMS: 2000 }).connect();
    expect((await ownClient.db('admin').command({ hello: 1 })).setName).toBe('other');
    await ownClient.close();
    await own.stop();
  });
});
