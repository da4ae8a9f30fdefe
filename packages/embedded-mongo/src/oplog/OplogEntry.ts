import type { Binary, Document, Long, Timestamp } from 'bson';

/** Kinds of entries the storage writes; change streams turn them into events. */
export type OplogOp =
  | 'insert'
  | 'update'
  | 'replace'
  | 'delete'
  | 'create'
  | 'createIndexes'
  | 'dropIndexes'
  | 'modify'
  | 'drop'
  | 'rename'
  | 'dropDatabase'
  /** The periodic no-op an idle replica set writes: no stream reports it, but it advances their position. */
  | 'noop'
  /** A committed multi-document transaction: its writes in `ops`, all at this entry's ts. */
  | 'applyOps';

/**
 * One committed change, in commit order. Documents are deep, frozen-by-convention copies:
 * nobody mutates them after `append`.
 */
export interface OplogEntry {
  /** Cluster time of the write; strictly increasing across the oplog. */
  ts: Timestamp;
  wall: Date;
  op: OplogOp;
  db: string;
  /** Absent for dropDatabase. */
  coll?: string;
  /** UUID of the collection at the time of the write. */
  collectionUUID?: Binary;
  /** `{ _id }` for document operations. */
  documentKey?: Document;
  /** The document before the write (update, replace, delete). */
  before?: Document;
  /** The document after the write (insert, update, replace). */
  after?: Document;
  /** For op 'update': the update as given, when it was an operator or pipeline update. */
  update?: Document | Document[];
  /** For op 'applyOps': the transaction's writes, in order (each with this entry's ts, lsid, txnNumber). */
  ops?: OplogEntry[];
  /** For op 'rename': the new namespace. */
  to?: { db: string; coll: string };
  /** For op 'modify': `{ collectionOptions }` as they were before (the event's stateBeforeChange). */
  stateBeforeChange?: Document;
  /** For DDL events with showExpandedEvents (create options, index specs...). */
  operationDescription?: Document;
  /**
   * Whether the collection had `changeStreamPreAndPostImages` enabled when this write happened:
   * only then may change streams serve `before`/`after` as fullDocumentBeforeChange and as the
   * post-image for `fullDocument: 'whenAvailable' | 'required'`.
   */
  imagesRecorded?: boolean;
  /** Session / transaction of a multi-document transaction's writes (never set on ordinary writes). */
  lsid?: Document;
  txnNumber?: Long;
}
