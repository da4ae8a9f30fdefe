import type { Binary, Document, Long, Timestamp } from 'bson';
import type { Oplog } from '../oplog/Oplog.js';

/** An `aggregate` whose first stage is `$changeStream`, as the server's aggregate handler received it. */
export interface ChangeStreamRequest {
  db: string;
  /** Absent: the whole database, or the whole cluster when `db` is 'admin' and `allChangesForCluster` is set. */
  coll?: string;
  /** `pipeline[0]` is `{ $changeStream: {...} }`; the rest are the user's stages. */
  pipeline: Document[];
  batchSize?: number;
  collation?: Document;
  maxTimeMS?: number;
  /** The aggregate's `let` variables, evaluated. */
  variables?: Document;
}

/** What a change stream needs from the server around it. */
export interface ChangeStreamContext {
  oplog: Oplog;
  /** The latest cluster time (the ts of the newest write, or later). */
  clusterTime(): Timestamp;
  /** The current version of a document, for `fullDocument: 'updateLookup'`. */
  lookup(db: string, coll: string, documentKey: Document): Document | undefined;
  newCursorId(): Long;
  /** UUID of the collection as it exists now; undefined when it does not exist. */
  collectionUUID(db: string, coll: string): Binary | undefined;
}
