import type { WireError } from '@mongo-live/protocol';
import type { Document, Filter, OptionalId, UpdateFilter, WithId } from 'mongodb';
import { type LiveClient, liveClientOver } from '../LiveClient.js';
import type { ConnectionStatus } from '../transport/LiveTransport.js';
import { MemoryDatabase, type SeedData } from './MemoryDatabase.js';
import { MemoryTransport } from './MemoryTransport.js';

/**
 * Options of {@link createTestLiveClient}.
 *
 * @example
 * createTestLiveClient({ data: { shop: { products: [{ name: 'Azul', price: 35 }] } }, latencyMs: 120 });
 */
export interface TestLiveClientOptions {
  /** Documents by database and collection; `_id`s are added (ObjectId) where missing. */
  data?: SeedData;
  /** Starting connection status. Default 'connected'. */
  status?: ConnectionStatus;
  /** Milliseconds every answer and server message takes. Default 0 (next microtask). */
  latencyMs?: number;
}

/**
 * Writes to the in-memory deployment, shaped like the driver's collection methods. Each write
 * reaches the client's live queries and change streams as the bridge would send it; its promise
 * resolves once the client has received that (after the latency).
 *
 * @example
 * await live.server.db('shop').collection<Product>('products').updateOne({ name: 'Azul' }, { $inc: { price: 1 } });
 */
export interface TestCollection<T extends Document = Document> {
  insertOne(doc: OptionalId<T>): Promise<{ insertedId: unknown }>;
  insertMany(docs: OptionalId<T>[]): Promise<{ insertedIds: unknown[] }>;
  updateOne(filter: Filter<T>, update: UpdateFilter<T>): Promise<{ matchedCount: number; modifiedCount: number }>;
  updateMany(filter: Filter<T>, update: UpdateFilter<T>): Promise<{ matchedCount: number; modifiedCount: number }>;
  replaceOne(filter: Filter<T>, replacement: T): Promise<{ matchedCount: number; modifiedCount: number }>;
  deleteOne(filter: Filter<T>): Promise<{ deletedCount: number }>;
  deleteMany(filter: Filter<T>): Promise<{ deletedCount: number }>;
  /** The collection's documents now (copies), in insertion order. */
  documents(): WithId<T>[];
}

/** The server side of a test client: its data, its connection, its failures. */
export interface TestServer {
  db(name: string): { collection<T extends Document = Document>(name: string): TestCollection<T> };
  /** Moves the connection: 'stale', 'reconnecting', 'connecting', 'disconnected', back to 'connected'. */
  setStatus(status: ConnectionStatus): void;
  /** Milliseconds every answer and server message takes from now on. */
  setLatency(ms: number): void;
  /** Ends every live query and change stream with `error`, and fails requests until `recover()`. */
  fail(error?: Partial<WireError>): void;
  recover(): void;
  /** Resolves once every answer and message sent so far has reached the client (after the latency). */
  delivered(): Promise<void>;
}

/** A LiveClient whose bridge and database live in memory, with `server` to drive them. */
export type TestLiveClient = LiveClient & { readonly server: TestServer };

/**
 * An in-memory LiveClient for component tests and stories: the same interface as
 * `createLiveClient()` (hand it to `<LiveProvider>`), no socket, no MongoDB. Live queries are
 * answered by the bridge's own LiveQueryEngine over seeded documents, so filter, sort, skip, limit
 * and projection behave exactly as with the real bridge; `server` writes documents (each write
 * produces the change events and live-query diffs the bridge would send), moves the connection
 * status and injects latency and errors.
 *
 * @example
 * import { createTestLiveClient } from '@mongo-live/client/testing';
 * const live = createTestLiveClient({ data: { shop: { products: [{ name: 'Azul', price: 35 }] } } });
 * const q = live.db('shop').collection('products').liveQuery({}, { sort: { price: 1 } });
 * await live.server.db('shop').collection('products').insertOne({ name: 'Catan', price: 45 });
 * live.server.setStatus('reconnecting');
 */
export function createTestLiveClient(options: TestLiveClientOptions = {}): TestLiveClient {
  const database = new MemoryDatabase(options.data);
  const transport = new MemoryTransport(database, {
    ...(options.status ? { status: options.status } : {}),
    ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
  });
  // Each write resolves once the client has received what it caused: `await` it, then assert.
  const write = async <R>(run: () => R): Promise<R> => {
    const result = run();
    await transport.delivered();
    return result;
  };
  const collection = <T extends Document>(db: string, coll: string): TestCollection<T> => ({
    insertOne: (doc) => write(() => database.insertOne<T>(db, coll, doc)),
    insertMany: (docs) =>
      write(() => ({ insertedIds: docs.map((d) => database.insertOne<T>(db, coll, d).insertedId) })),
    updateOne: (filter, update) => write(() => database.updateOne<T>(db, coll, filter, update)),
    updateMany: (filter, update) => write(() => database.updateMany<T>(db, coll, filter, update)),
    replaceOne: (filter, replacement) => write(() => database.replaceOne<T>(db, coll, filter, replacement)),
    deleteOne: (filter) => write(() => database.deleteOne<T>(db, coll, filter)),
    deleteMany: (filter) => write(() => database.deleteMany<T>(db, coll, filter)),
    documents: () => database.documents<T>(db, coll),
  });
  const server: TestServer = {
    db: (name) => ({ collection: <T extends Document = Document>(coll: string) => collection<T>(name, coll) }),
    setStatus: (status) => transport.setStatus(status),
    setLatency: (ms) => transport.setLatency(ms),
    fail: (error = {}) =>
      transport.fail({ code: error.code ?? 'SERVER_ERROR', message: error.message ?? 'the server failed (test)' }),
    recover: () => transport.recover(),
    delivered: () => transport.delivered(),
  };
  return Object.assign(
    liveClientOver(transport, () => transport.close()),
    { server },
  );
}
