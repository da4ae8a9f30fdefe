// The runner itself against the test deployment: it must report wrong expectations as failures, so that
// a passing spec test means something.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { readDeploymentInfo } from './runner/requirements.js';
import { type RunnerEnv, runSpecTest } from './runner/runTest.js';
import type { Operation, SpecFile, SpecTest } from './runner/types.js';

const dbName = 'runner-self-test';

function specFile(test: SpecTest, overrides: Partial<SpecFile> = {}): SpecFile {
  return {
    description: 'runner self-test',
    schemaVersion: '1.0',
    createEntities: [
      { client: { id: 'client0', observeEvents: ['commandStartedEvent'] } },
      { database: { id: 'database0', client: 'client0', databaseName: dbName } },
      { collection: { id: 'collection0', database: 'database0', collectionName: 'coll0' } },
    ],
    initialData: [{ collectionName: 'coll0', databaseName: dbName, documents: [{ _id: 1, x: 11 }] }],
    tests: [test],
    ...overrides,
  };
}

const insert: Operation = { object: 'collection0', name: 'insertOne', arguments: { document: { _id: 2, x: 22 } } };

describe('conformance runner', () => {
  let mongo: TestMongo;
  let env: RunnerEnv;
  beforeAll(async () => {
    mongo = await startTestMongo({ dbPrefix: 'runner' });
    env = {
      uri: mongo.uri,
      internal: mongo.client,
      info: await readDeploymentInfo(mongo.client),
      iterateTimeoutMS: 2_000,
    };
  });
  afterAll(async () => {
    await mongo?.client
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await mongo?.close();
  });

  const run = (test: SpecTest, overrides?: Partial<SpecFile>) => runSpecTest(specFile(test, overrides), test, env);

  it('passes a correct test: result, events and outcome', async () => {
    const outcome = await run({
      description: 'ok',
      operations: [{ ...insert, expectResult: { insertedId: { $$unsetOrMatches: 2 } } }],
      expectEvents: [{ client: 'client0', events: [{ commandStartedEvent: { command: { insert: 'coll0' } } }] }],
      outcome: [
        {
          collectionName: 'coll0',
          databaseName: dbName,
          documents: [
            { _id: 1, x: 11 },
            { _id: 2, x: 22 },
          ],
        },
      ],
    });
    expect(outcome).toEqual({ status: 'passed' });
  });

  it('fails a wrong result', async () => {
    const outcome = await run({
      description: 'wrong result',
      operations: [
        { object: 'collection0', name: 'find', arguments: { filter: {} }, expectResult: [{ _id: 1, x: 12 }] },
      ],
    });
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringMatching(/x: expected 12, got 11/) });
  });

  it('fails wrong events (name, count) and a wrong outcome', async () => {
    const wrongEvent = await run({
      description: 'wrong event',
      operations: [insert],
      expectEvents: [{ client: 'client0', events: [{ commandStartedEvent: { command: { update: 'coll0' } } }] }],
    });
    expect(wrongEvent).toMatchObject({ status: 'failed', reason: expect.stringMatching(/expectEvents/) });
    const extraEvent = await run({
      description: 'extra event',
      operations: [insert, { ...insert, arguments: { document: { _id: 3 } } }],
      expectEvents: [{ client: 'client0', events: [{ commandStartedEvent: { command: { insert: 'coll0' } } }] }],
    });
    expect(extraEvent).toMatchObject({ status: 'failed', reason: expect.stringMatching(/expected 1, got 2/) });
    const wrongOutcome = await run({
      description: 'wrong outcome',
      operations: [insert],
      outcome: [{ collectionName: 'coll0', databaseName: dbName, documents: [{ _id: 1, x: 11 }] }],
    });
    expect(wrongOutcome).toMatchObject({ status: 'failed', reason: expect.stringMatching(/outcome/) });
  });

  it('checks expected errors: missing error, wrong code, matching error', async () => {
    const duplicate: Operation = { object: 'collection0', name: 'insertOne', arguments: { document: { _id: 1 } } };
    expect(
      await run({ description: 'no error', operations: [{ ...insert, expectError: { isError: true } }] }),
    ).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/expected an error/),
    });
    expect(
      await run({ description: 'wrong code', operations: [{ ...duplicate, expectError: { errorCode: 12345 } }] }),
    ).toMatchObject({ status: 'failed', reason: expect.stringMatching(/expected error code 12345, got 11000/) });
    expect(
      await run({
        description: 'right error',
        operations: [{ ...duplicate, expectError: { errorCode: 11000, isClientError: false } }],
      }),
    ).toEqual({ status: 'passed' });
  });

  it('skips what cannot run here and what the runner lacks, with the reason', async () => {
    const tooNew = await run({
      description: 'needs 99',
      runOnRequirements: [{ minServerVersion: '99.0' }],
      operations: [],
    });
    expect(tooNew).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/needs server >= 99.0/) });
    const unsupported = await run({
      description: 'gridfs',
      operations: [{ object: 'collection0', name: 'createSearchIndex', arguments: {} }],
    });
    expect(unsupported).toEqual({
      status: 'unsupported',
      reason: 'runner: unsupported operation collection.createSearchIndex',
    });
  });
});
