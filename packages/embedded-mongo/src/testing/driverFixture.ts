import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { EmbeddedMongo, type EmbeddedMongoOptions } from '../EmbeddedMongo.js';

/** What {@link useDriverFixture} gives a test file. */
export interface DriverFixture {
  readonly server: EmbeddedMongo;
  readonly client: MongoClient;
  /** A database no other test of the file uses, so streams never see each other's writes. */
  freshDb(): Db;
}

/**
 * Test helper: one embedded server (no periodic no-ops unless asked) and one official-driver
 * client for the whole test file, started in beforeAll and stopped in afterAll.
 *
 * @example
 * const fx = useDriverFixture('views');
 * it('inserts', async () => { await fx.freshDb().collection('c').insertOne({}); });
 */
export function useDriverFixture(prefix: string, options: EmbeddedMongoOptions = {}): DriverFixture {
  let server: EmbeddedMongo | undefined;
  let client: MongoClient | undefined;
  let counter = 0;
  beforeAll(async () => {
    server = await EmbeddedMongo.start({ noopIntervalMS: 0, ...options });
    client = await new MongoClient(server.uri, { serverSelectionTimeoutMS: 10_000 }).connect();
  });
  afterAll(async () => {
    await client?.close(true);
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the fixture starts in beforeAll');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get client() {
      return started(client);
    },
    freshDb: () => started(client).db(`${prefix}_${++counter}`),
  };
}
