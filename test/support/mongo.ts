import { randomBytes } from 'node:crypto';
import { type Db, MongoClient, type MongoClientOptions } from 'mongodb';

/** A MongoDB for one test file: a real replica set when MONGODB_URI is set, else a fresh EmbeddedMongo. */
export interface TestMongo {
  /** Connection string of the deployment (works with `new MongoClient(uri)`). */
  readonly uri: string;
  /** A connected client; closed by `close()`. */
  readonly client: MongoClient;
  /** A database name unique to this TestMongo, so tests sharing a real deployment never collide. */
  readonly dbName: string;
  /** `client.db(dbName)`. */
  readonly db: Db;
  /** 'embedded' for our in-memory server, 'external' for MONGODB_URI. */
  readonly kind: 'embedded' | 'external';
  /** Opens another client to the same deployment (closed by `close()` too). */
  connect(options?: MongoClientOptions): Promise<MongoClient>;
  /** Drops the test database on an external deployment, closes clients, stops the embedded server. */
  close(): Promise<void>;
}

/**
 * Starts (or connects to) a MongoDB for a test.
 *
 * @example
 * let mongo: TestMongo;
 * beforeAll(async () => { mongo = await startTestMongo(); });
 * afterAll(() => mongo.close());
 * it('inserts', async () => { await mongo.db.collection('c').insertOne({ a: 1 }); });
 */
export async function startTestMongo(
  options: {
    dbPrefix?: string /** Embedded only: oplog entries kept (small values make HISTORY_LOST reachable). */;
    oplogCapacity?: number;
  } = {},
): Promise<TestMongo> {
  const external = process.env.MONGODB_URI;
  let uri: string;
  let stopServer: (() => Promise<void>) | undefined;
  if (external) {
    uri = external;
  } else {
    const { EmbeddedMongo } = await import('@mongo-live/embedded-mongo');
    const server = await EmbeddedMongo.start(
      options.oplogCapacity === undefined ? {} : { oplogCapacity: options.oplogCapacity },
    );
    uri = server.uri;
    stopServer = () => server.stop();
  }
  const clients: MongoClient[] = [];
  const connect = async (clientOptions: MongoClientOptions = {}) => {
    const c = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, ...clientOptions });
    clients.push(c);
    await c.connect();
    return c;
  };
  const client = await connect();
  const dbName = `${options.dbPrefix ?? 'test'}_${randomBytes(4).toString('hex')}`;
  return {
    uri,
    client,
    dbName,
    db: client.db(dbName),
    kind: external ? 'external' : 'embedded',
    connect,
    async close() {
      if (external)
        await client
          .db(dbName)
          .dropDatabase()
          .catch(() => undefined);
      await Promise.all(clients.map((c) => c.close(true)));
      await stopServer?.();
    },
  };
}
