import type { EJSONDocument, EJSONValue } from './ejson.js';
import type { WireError } from './errors.js';
import type { PROTOCOL_VERSION } from './version.js';

/** What a change stream or query is about. `{}` is the whole deployment, `{ db }` one database. */
export interface WatchTarget {
  db?: string;
  collection?: string;
}

/**
 * Every option of the driver's `watch()` that a client may pass. Resume tokens and
 * `startAtOperationTime` travel as canonical Extended JSON.
 */
export interface WireWatchOptions {
  fullDocument?: 'default' | 'updateLookup' | 'whenAvailable' | 'required';
  fullDocumentBeforeChange?: 'off' | 'whenAvailable' | 'required';
  resumeAfter?: EJSONDocument;
  startAfter?: EJSONDocument;
  startAtOperationTime?: EJSONValue;
  maxAwaitTimeMS?: number;
  batchSize?: number;
  collation?: Record<string, unknown>;
  showExpandedEvents?: boolean;
}

/** `watch`: open (or join) a change stream. */
export interface WatchRequest {
  v: typeof PROTOCOL_VERSION;
  /** Client-chosen id of this subscription, unique among the open subscriptions of its socket. */
  subId: string;
  target: WatchTarget;
  /** Stages appended after `$changeStream`, canonical EJSON. */
  pipeline?: EJSONDocument[];
  options?: WireWatchOptions;
}

/** Ack of `watch`: the subscription receives the batches of `streamId`. */
export interface WatchAccepted {
  subId: string;
  /** Id of the (possibly shared) stream; `change` batches and `stream:error` name it. */
  streamId: string;
  /**
   * The stream's position when this subscriber joined: it receives every event after it. A client
   * that has seen no event yet resumes from here after a reconnect, so nothing is lost.
   */
  resumeToken?: EJSONDocument;
}

/** A batch of change events of one stream, encoded once and sent to every subscriber. */
export interface ChangeBatch {
  streamId: string;
  /** Change events in canonical EJSON; each `_id` is its resume token. */
  events: EJSONDocument[];
  /** Resume token after the batch (advances even when `events` is empty). */
  postBatchResumeToken?: EJSONDocument;
}

/** Sort as an ordered list of `[field, direction]` pairs, so key order survives JSON. */
export type WireSort = Array<[string, 1 | -1]>;

/** Parameters shared by `find` and `query`. */
export interface QuerySpec {
  db: string;
  collection: string;
  filter?: EJSONDocument;
  sort?: WireSort;
  limit?: number;
  skip?: number;
  projection?: EJSONDocument;
}

/** `find`: a one-off authorized query. */
export interface FindRequest extends QuerySpec {
  v: typeof PROTOCOL_VERSION;
}

/** `query`: subscribe to a live query (a find() that stays current). */
export interface LiveQueryRequest extends QuerySpec {
  v: typeof PROTOCOL_VERSION;
  subId: string;
}

/** Ack of `query`: the current result and the version it is at. */
export interface LiveQueryAccepted {
  subId: string;
  /** Id of the (possibly shared) live query; `query:update` and `query:error` name it. */
  queryId: string;
  docs: EJSONDocument[];
  /** Updates with `version` ≤ this are already contained in `docs`. */
  version: number;
  /** Cluster time the snapshot reflects (canonical EJSON Timestamp), when known. */
  clusterTime?: EJSONValue;
}

/**
 * One change to a live query's ordered result. Positions are indexes in the result as it
 * is after the previous diffs of the same update were applied, so a client needs no query
 * evaluator: it splices.
 */
export type LiveQueryDiff =
  | { op: 'added'; index: number; doc: EJSONDocument }
  | { op: 'changed'; index: number; doc: EJSONDocument }
  | { op: 'moved'; from: number; to: number; doc?: EJSONDocument }
  | { op: 'removed'; index: number }
  | { op: 'reset'; docs: EJSONDocument[] };

/** Updates of one live query, sent to all its subscribers. Versions grow by one per update. */
export interface LiveQueryUpdate {
  queryId: string;
  version: number;
  diffs: LiveQueryDiff[];
}

/** `count`: subscribe to a live count (the number of documents matching `filter` and the caller's row filter). */
export interface LiveCountRequest {
  v: typeof PROTOCOL_VERSION;
  subId: string;
  db: string;
  collection: string;
  filter?: EJSONDocument;
}

/** Ack of `count`: the current count and the version it is at. */
export interface LiveCountAccepted {
  subId: string;
  /** Id of the (possibly shared) live count; `count:update` and `query:error` name it. */
  countId: string;
  count: number;
  /** Updates with `version` ≤ this are already contained in `count`. */
  version: number;
}

/**
 * The new value of a live count. Absolute, not a delta: a client that missed one loses nothing by
 * applying the next, and a count applied twice is not counted twice.
 */
export interface LiveCountUpdate {
  countId: string;
  version: number;
  count: number;
}

/**
 * `pages`: subscribe to live pages: the result of a query in pages of `pageSize`, every loaded page
 * live. Pages are bounded by sort keys (keyset) the bridge keeps: page i holds the documents whose
 * sort key is after page i-1's end and up to its own, so a write never shows a document twice or
 * skips one, and a document whose sort key crosses a boundary moves to its page.
 */
export interface LivePagesRequest {
  v: typeof PROTOCOL_VERSION;
  subId: string;
  db: string;
  collection: string;
  filter?: EJSONDocument;
  sort?: WireSort;
  projection?: EJSONDocument;
  pageSize: number;
  /** Pages to load at once (a client resubscribing after a reconnect asks for what it had); default 1. */
  pageCount?: number;
}

/** Ack of `pages`: the loaded pages and the version they are at. */
export interface LivePagesAccepted {
  subId: string;
  /** Id of these live pages; `pages:update` and `query:error` name it. */
  pagesId: string;
  pages: EJSONDocument[][];
  /**
   * True while a matching document after the last page exists, followed as writes happen (an
   * update says when it changes); false once nothing is after it: the last page's end is then open
   * and it takes every later document.
   */
  hasNextPage: boolean;
  version: number;
}

/** Diffs of one loaded page (positions within the page, as in {@link LiveQueryDiff}). */
export interface PageChange {
  page: number;
  diffs: LiveQueryDiff[];
}

/** One update of live pages: page diffs, then maybe a new last page (the answer to `pages:more`). */
export interface LivePagesUpdate {
  pagesId: string;
  version: number;
  changes: PageChange[];
  /** A page appended after the last one. */
  append?: EJSONDocument[];
  hasNextPage: boolean;
}

/** `pages:more`: load the next page of a `pages` subscription (it comes as a `pages:update` before the ack). */
export interface MorePagesRequest {
  v: typeof PROTOCOL_VERSION;
  subId: string;
}

/** `unsubscribe`: end a `watch`, `query`, `count` or `pages` subscription. */
export interface UnsubscribeRequest {
  v: typeof PROTOCOL_VERSION;
  subId: string;
}

/**
 * `ping`: a client's liveness check. The bridge answers at once with `null`; a client that gets no
 * answer within a few seconds knows its connection is silently gone (see the client's heartbeat).
 *
 * @example
 * socket.emit('ping', { v: PROTOCOL_VERSION }, (ack) => markAlive());
 */
export interface PingRequest {
  v: typeof PROTOCOL_VERSION;
}

/** A stream or query failed for good; every subscriber of it is ended with `error`. */
export interface StreamErrorMessage {
  streamId: string;
  error: WireError;
}
/** A live query or live count failed for good (`queryId` is its queryId or countId); every subscriber of it is ended with `error`. */
export interface QueryErrorMessage {
  queryId: string;
  error: WireError;
}
/** One subscription of this socket was ended by the bridge (e.g. its queue overflowed). */
export interface SubscriptionErrorMessage {
  subId: string;
  error: WireError;
}
/**
 * The bridge node is shutting down or draining (a rolling restart): leave it and resume every
 * subscription on another node, from the last position, as after a lost connection.
 */
export interface ClosingMessage {
  error: WireError;
  /**
   * How long (ms) the node keeps serving this socket's subscriptions before it closes the
   * connection, so a client that resumes elsewhere first loses nothing. 0 or absent: it stopped
   * serving them already.
   */
  graceMs?: number;
}

/** Result of a request, passed to its socket.io acknowledgement callback. */
export type AckResult<T> = { ok: true; data: T } | { ok: false; error: WireError };
/** The socket.io acknowledgement callback of a request. */
export type Ack<T> = (result: AckResult<T>) => void;
