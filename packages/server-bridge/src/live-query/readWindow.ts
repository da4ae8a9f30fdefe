import type { Document, MongoClient, Timestamp } from 'mongodb';
import type { LiveQueryEngine } from './LiveQueryEngine.js';

/** A database read of a live query's window and the cluster time it reflects. */
export interface WindowRead {
  docs: Document[];
  /** Operation time of the read (causally consistent session); undefined if the server sent none. */
  operationTime: Timestamp | undefined;
}

/**
 * Reads the first skip+limit documents of a live query's result, in a causally consistent
 * session so that its operation time tells which change events the read already reflects.
 *
 * @example
 * const { docs, operationTime } = await readWindow(mongo, 'shop', 'products', engine);
 */
export async function readWindow(
  mongo: MongoClient,
  db: string,
  collection: string,
  engine: LiveQueryEngine,
): Promise<WindowRead> {
  const session = mongo.startSession({ causalConsistency: true });
  try {
    const limit = engine.fetchLimit;
    const cursor = mongo
      .db(db)
      .collection(collection)
      .find(engine.filter, { session, sort: engine.order.mongoSort, ...(limit === undefined ? {} : { limit }) });
    const docs = await cursor.toArray();
    return { docs, operationTime: session.operationTime };
  } finally {
    await session.endSession();
  }
}
