import { MongoClient, MongoNetworkError, type MongoServerError } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedMongo } from '../EmbeddedMongo.js';

let server: EmbeddedMongo;
let client: MongoClient;

beforeAll(async () => {
  server = await EmbeddedMongo.start();
  client = await new MongoClient(server.uri, { retryReads: false, retryWrites: false }).connect();
});
afterEach(async () => {
  await client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
  await client.db('admin').command({ configureFailPoint: 'failGetMoreAfterCursorCheckout', mode: 'off' });
});
afterAll(async () => {
  await client?.close();
  await server?.stop();
});

const failCommand = (mode: unknown, data: object) =>
  client.db('admin').command({ configureFailPoint: 'failCommand', mode, data });

describe('failCommand fail point', () => {
  it('fails the listed command with errorCode the given number of times', async () => {
    const coll = client.db('fp').collection('errors');
    await failCommand({ times: 2 }, { failCommands: ['find'], errorCode: 2, errorLabels: ['Custom'] });
    for (let i = 0; i < 2; i++) {
      const error = (await coll.findOne({}).catch((e) => e)) as MongoServerError;
      expect(error.code).toBe(2);
      expect(error.codeName).toBe('BadValue');
      expect(error.errorLabels).toEqual(['Custom']);
      expect(error.message).toBe("Failing command via 'failCommand' failpoint");
    }
    expect(await coll.findOne({})).toBeNull();
  });

  it('closes the connection without replying when closeConnection is set', async () => {
    const coll = client.db('fp').collection('close');
    await failCommand({ times: 1 }, { failCommands: ['insert'], closeConnection: true });
    const error = await coll.insertOne({ a: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(MongoNetworkError);
    await coll.insertOne({ a: 2 });
    expect(await coll.countDocuments()).toBe(1);
  });

  it('skips the first n matches with mode skip', async () => {
    const coll = client.db('fp').collection('skip');
    await failCommand({ skip: 1 }, { failCommands: ['count'], errorCode: 2 });
    expect(await coll.estimatedDocumentCount()).toBe(0);
    expect(((await coll.estimatedDocumentCount().catch((e) => e)) as MongoServerError).code).toBe(2);
  });

  it('only fails commands of the named application', async () => {
    await failCommand('alwaysOn', { failCommands: ['ping'], errorCode: 8, appName: 'victim' });
    expect((await client.db('admin').command({ ping: 1 })).ok).toBe(1);
    const victim = await new MongoClient(server.uri, { appName: 'victim' }).connect();
    const error = await victim
      .db('admin')
      .command({ ping: 1 })
      .catch((e) => e);
    await victim.close();
    expect(error.code).toBe(8);
  });

  it('adds a writeConcernError to a write that still happens', async () => {
    const coll = client.db('fp').collection('wce');
    await failCommand({ times: 1 }, { failCommands: ['insert'], writeConcernError: { code: 100, errmsg: 'wce' } });
    const error = await coll.insertOne({ a: 1 }).catch((e) => e);
    expect(error.code).toBe(100);
    expect(await coll.countDocuments()).toBe(1);
  });

  it('blocks the connection before answering when blockConnection is set', async () => {
    await failCommand({ times: 1 }, { failCommands: ['ping'], blockConnection: true, blockTimeMS: 50 });
    expect((await client.db('admin').command({ ping: 1 })).ok).toBe(1);
  });

  it('labels retryable write errors so the driver retries them', async () => {
    const retrying = await new MongoClient(server.uri, { retryWrites: true }).connect();
    const coll = retrying.db('fp').collection('retry');
    await failCommand({ times: 1 }, { failCommands: ['insert'], errorCode: 189 });
    await coll.insertOne({ a: 1 });
    expect(await coll.countDocuments()).toBe(1);
    await retrying.close();
  });

  it('does not label a failCommand getMore error as resumable unless asked', async () => {
    const coll = client.db('fp').collection('labels');
    const stream = coll.watch();
    await stream.tryNext();
    await failCommand({ times: 1 }, { failCommands: ['getMore'], errorCode: 6 });
    const error = await stream.next().catch((e) => e);
    expect(error.code).toBe(6);
    expect(error.errorLabels ?? []).not.toContain('ResumableChangeStreamError');
    await stream.close();
  });

  it('failGetMoreAfterCursorCheckout fails a change-stream getMore with a resumable label; the driver resumes', async () => {
    const monitored = await new MongoClient(server.uri, { monitorCommands: true }).connect();
    let aggregates = 0;
    monitored.on('commandStarted', (event) => {
      if (event.commandName === 'aggregate') aggregates++;
    });
    const coll = monitored.db('fp').collection('checkout');
    const stream = coll.watch([], { maxAwaitTimeMS: 100 });
    await stream.tryNext();
    await client.db('admin').command({
      configureFailPoint: 'failGetMoreAfterCursorCheckout',
      mode: { times: 1 },
      data: { errorCode: 6 },
    });
    await coll.insertOne({ after: 'failure' });
    const change = await stream.next();
    expect(change.operationType).toBe('insert');
    expect(aggregates).toBe(2);
    await stream.close();
    await monitored.close();
  });

  it('rejects unknown fail points and bad modes', async () => {
    const unknown = await client
      .db('admin')
      .command({ configureFailPoint: 'nope', mode: 'alwaysOn' })
      .catch((e) => e);
    expect(unknown.code).toBe(2);
    const badMode = await failCommand('sometimes', { failCommands: ['ping'] }).catch((e) => e);
    expect(badMode.code).toBe(2);
  });
});
