import type { ClientSession, Collection, Document, MongoClient, Sort, Timestamp } from 'mongodb';
import { valueKey } from './valueKey.js';

/** What to read: a live query's engine, or a live count's id set (projection `{ _id: 1 }`). */
export interface WindowShape {
  filter: Document;
  order: { mongoSort: Sort | undefined };
  fetchLimit: number | undefined;
  /** Fields the read needs (all when absent). */
  readProjection?: Document;
  /**
   * A live query's skipped prefix: its first `count` documents are read as `projection` (their
   * `_id` and sort keys), the rest with MongoDB's `skip`, so the skipped documents are never read
   * whole (see `LiveQueryEngine.keyPrefix`).
   */
  keyPrefix?: { count: number; projection: Document } | undefined;
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
  /** How many leading `docs` hold only what `keyPrefix.projection` asked for. */
  keyOnly: number;
}

/** Reads of a key prefix and the documents after it that may disagree at their boundary before the read falls back to one whole read. */
const PREFIX_ATTEMPTS = 3;

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
    const prefix = engine.keyPrefix;
    if (prefix && engine.fetchLimit !== undefined && engine.fetchLimit > prefix.count)
      for (let attempt = 0; attempt < PREFIX_ATTEMPTS; attempt++) {
        const read = await readWithKeyPrefix(coll, session, engine, prefix, engine.fetchLimit);
        if (read) return { ...read, operationTime };
      }
    const limit = engine.fetchLimit;
    const docs = await coll
      .find(engine.filter, {
        session,
        sort: engine.order.mongoSort,
        ...(limit === undefined ? {} : { limit }),
        ...(engine.readProjection === undefined ? {} : { projection: engine.readProjection }),
      })
      .toArray();
    return { docs, operationTime, keyOnly: 0 };
  } finally {
    await session.endSession();
  }
}

/**
 * The prefix as keys, then the rest from MongoDB's `skip`, starting one document early: that
 * document must be the prefix's last, else a write moved documents across the boundary between
 * the two reads (undefined: read again). Later writes are applied by events, as for any read.
 */
async function readWithKeyPrefix(
  coll: Collection,
  session: ClientSession,
  engine: WindowShape,
  prefix: { count: number; projection: Document },
  limit: number,
): Promise<Omit<WindowRead, 'operationTime'> | undefined> {
  const sort = engine.order.mongoSort;
  const keys = await coll
    .find(engine.filter, { session, sort, limit: prefix.count, projection: prefix.projection })
    .toArray();
  if (keys.length < prefix.count) return { docs: keys, keyOnly: keys.length };
  const rest = await coll
    .find(engine.filter, {
      session,
      sort,
      skip: prefix.count - 1,
      limit: limit - prefix.count + 1,
      ...(engine.readProjection === undefined ? {} : { projection: engine.readProjection }),
    })
    .toArray();
  const last = keys[keys.length - 1] as Document;
  if (rest.length === 0 || valueKey(rest[0]?._id) !== valueKey(last._id)) return undefined;
  return { docs: [...keys, ...rest.slice(1)], keyOnly: keys.length };
}
