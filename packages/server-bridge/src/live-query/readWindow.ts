import type { Document, MongoClient, Sort, Timestamp } from 'mongodb';

/** What to read: a live query's engine, or a live count's id set (projection `{ _id: 1 }`). */
export interface WindowShape {
  filter: Document;
  order: { mongoSort: Sort | undefined };
  fetchLimit: number | undefined;
  /** Fields the read needs (all when absent). */
  readProjection?: Document;
}

/** A database read of a live query's window and the cluster time it reflects. */
export interface WindowRead {
  docs: Document[];
  /**
   * A cluster time every write at or before which the read contains (undefined if the server sent
   * none). Later writes may or may not be in it: their events are applied on top, which is
   * idempotent since events carry the document's state.
   */
  operationTime: Timestamp | undefined;
}

/**
 * Reads the first skip+limit documents of a live query's result (or the ids a live count tracks), in a causally consistent
 * session, and tells up to which cluster time it is complete.
 *
 * That time is taken BEFORE the find: the find's own operationTime is the time of its last reply,
 * and a result of more than one batch (or a find that yields, on a real server) is not a snapshot
 * at that time. Events between the first batch and the last getMore would be taken as already
 * read and dropped: a live query short of documents while saying 'live'.
 *
 * @example
 * const { docs, operationTime } = await readWindow(mongo, 'shop', 'products', engine);
 */
export async function readWindow(
  mongo: MongoClient,
  db: string,
  collection: string,
  engine: WindowShape,
): Promise<WindowRead> {
  const session = mongo.startSession({ causalConsistency: true });
  try {
    const coll = mongo.db(db).collection(collection);
    // A causally consistent session's next read sees every write up to this operation's time.
    await coll.findOne({}, { session, projection: { _id: 1 } });
    const operationTime = session.operationTime;
    const limit = engine.fetchLimit;
    const cursor = coll.find(engine.filter, {
      session,
      sort: engine.order.mongoSort,
      ...(limit === undefined ? {} : { limit }),
      ...(engine.readProjection === undefined ? {} : { projection: engine.readProjection }),
    });
    const docs = await cursor.toArray();
    return { docs, operationTime };
  } finally {
    await session.endSession();
  }
}
