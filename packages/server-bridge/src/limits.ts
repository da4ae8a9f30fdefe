import { DEFAULT_EVALUATION_LIMITS, type EvaluationLimits } from './evaluation/EvaluationBudget.js';

/**
 * Limits the bridge enforces per socket and per request. Exceeding one yields a `LIMIT_EXCEEDED`
 * error in the ack (or a `sub:error` for queue overflows); the socket keeps working.
 *
 * @example
 * createBridge({ io, mongo, authorize, limits: { maxSubscriptionsPerSocket: 20, batchSize: 50 } });
 */
export interface BridgeLimits extends EvaluationLimits {
  /** Open `watch` + `query` + `count` subscriptions one socket may hold at once. */
  maxSubscriptionsPerSocket: number;
  /**
   * Open (or opening) subscriptions one user may hold at once over all its sockets, on one bridge
   * process (the user is `userOf(socket)`; see createBridge). N processes: up to N times this.
   */
  maxSubscriptionsPerUser: number;
  /**
   * MongoDB reads (finds, snapshots of live queries, counts and pages, watch catch-ups) one user
   * may have running at once on one bridge process; more wait their turn.
   */
  maxConcurrentReadsPerUser: number;
  /**
   * Reads of one user that may wait for a turn; more are refused with LIMIT_EXCEEDED. As many as
   * `maxSubscriptionsPerUser` by default, so all of a user's sockets can resubscribe at once after
   * a reconnect.
   */
  maxQueuedReadsPerUser: number;
  /** Stages a client pipeline may have. */
  maxPipelineStages: number;
  /** Size of one incoming message, measured on its JSON form (UTF-16 code units ≈ bytes). */
  maxPayloadBytes: number;
  /** Nesting depth of one incoming message (objects and arrays). */
  maxDepth: number;
  /** Bytes waiting in a socket's outbound buffer beyond which its subscriptions are ended. */
  maxQueueBytesPerSocket: number;
  /** Events per `change` message; events that arrive together are sent together, up to this many. */
  batchSize: number;
  /** Length of a client-chosen `subId`. */
  maxSubIdLength: number;
  /** Largest `limit` a live query or find may ask for. */
  maxQueryLimit: number;
  /** Documents one live count may track (it keeps their ids, so each write costs O(1)); more is LIMIT_EXCEEDED. */
  maxCountedDocuments: number;
  /**
   * Largest `skip` a live query or find may ask for. MongoDB applies it; a live query still holds
   * its skipped documents as their `_id` and sort keys (to keep its diffs exact), never whole.
   */
  maxQuerySkip: number;
  /**
   * Documents a live query or find without `limit` may return. A larger result ends the request
   * with LIMIT_EXCEEDED naming this limit (ask for a `limit`, or raise it): one request cannot make
   * the bridge hold a whole collection in memory.
   */
  maxQueryResults: number;
  /** MongoDB change streams the bridge may hold open at once (feeds and catch-ups), over all users. */
  maxChangeStreams: number;
  /** Recent events each change feed keeps, so resuming subscriptions are served without a stream of their own. */
  replayBufferEvents: number;
  /** How long a feed without subscribers stays open, so clients reconnecting after a blip find it running. */
  feedLingerMs: number;
  /**
   * Documents that restricted streams remember having shown (to tell a removal without a
   * pre-image only to a stream that showed the document), over all streams of the process, shared
   * equally between them and at most 100,000 per stream. About 200 bytes each (141 measured for an ObjectId `_id`, without its key string).
   */
  maxShownDocuments: number;
}

/** The defaults: generous for apps, small enough that one socket cannot exhaust the server. */
export const DEFAULT_LIMITS: Readonly<BridgeLimits> = Object.freeze({
  maxSubscriptionsPerSocket: 100,
  maxSubscriptionsPerUser: 300,
  maxConcurrentReadsPerUser: 8,
  maxQueuedReadsPerUser: 300,
  maxPipelineStages: 20,
  maxPayloadBytes: 64 * 1024,
  maxDepth: 32,
  maxQueueBytesPerSocket: 8 * 1024 * 1024,
  batchSize: 100,
  maxSubIdLength: 128,
  maxQueryLimit: 10_000,
  maxCountedDocuments: 100_000,
  maxQuerySkip: 100_000,
  maxQueryResults: 10_000,
  ...DEFAULT_EVALUATION_LIMITS,
  maxChangeStreams: 1000,
  replayBufferEvents: 10_000,
  feedLingerMs: 2000,
  maxShownDocuments: 500_000,
});

/** Fills in defaults and rejects nonsense (non-positive or non-integer limits). */
export function resolveLimits(partial: Partial<BridgeLimits> = {}): BridgeLimits {
  const limits: BridgeLimits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_LIMITS)) throw new TypeError(`createBridge: unknown limit '${name}'`);
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
      throw new TypeError(`createBridge: limits.${name} must be a positive integer, got ${String(value)}`);
    limits[name as keyof BridgeLimits] = value;
  }
  return limits;
}
