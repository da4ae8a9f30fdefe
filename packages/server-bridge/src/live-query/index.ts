// Owned by the live-query work (issue 6): LiveQueryService runs shared live queries and finds.
import type {
  EJSONDocument,
  EJSONValue,
  LiveCountUpdate,
  LivePagesUpdate,
  LiveQueryUpdate,
  WireError,
  WireSort,
} from '@mongo-live/protocol';
import type { Document, MongoClient } from 'mongodb';
import type { ChangeFeed } from '../feed/ChangeFeed.js';
import type { FeedScope } from '../feed/DriverStream.js';
import type { FeedFamily } from '../feed/family.js';
import type { BridgeLimits } from '../limits.js';
import { LiveQueryServiceImpl } from './LiveQueryService.js';
import type { LiveCountSnapshot } from './SharedLiveCount.js';
import type { LivePagesSnapshot } from './SharedLivePages.js';

/** A query after validation and authorization: the auth filter is ANDed in, the projection enforced. */
export interface EffectiveQuery {
  db: string;
  collection: string;
  filter: Document;
  sort?: WireSort;
  skip?: number;
  limit?: number;
  projection?: Document;
}

/** Where live queries get a collection's change feed (the bridge's `ChangeFeeds`). */
export interface FeedProvider {
  feed(scope: FeedScope, family: FeedFamily): ChangeFeed;
}

export interface LiveQueryServiceOptions {
  mongo: MongoClient;
  /** The bridge's limits (evaluation budgets, `maxQueryResults`); the defaults when omitted. */
  limits?: BridgeLimits;
  /** The bridge's change feeds, shared with watch subscriptions; a private set when omitted. */
  feeds?: FeedProvider;
  /** Sends an update to every subscriber of a live query (the socket.io room `roomOf(queryId)`). */
  emitUpdate(queryId: string, update: LiveQueryUpdate): void;
  /** Sends a live count's new value to every subscriber (the room `roomOf(countId)`). */
  emitCount?(countId: string, update: LiveCountUpdate): void;
  /** Sends an update of live pages to their subscriber (the room `roomOf(pagesId)`). */
  emitPages?(pagesId: string, update: LivePagesUpdate): void;
  /** Ends a live query, live count or live pages for all their subscribers. */
  emitError(queryId: string, error: WireError): void;
}

/** A subscriber's view of a live query when it joins: the result, its version and cluster time. */
export interface LiveQuerySnapshot {
  queryId: string;
  docs: EJSONDocument[];
  /** Updates with a version ≤ this are contained in `docs`. */
  version: number;
  /** Cluster time (canonical EJSON Timestamp) up to which `docs` is known current, when known. */
  clusterTime?: EJSONValue;
}

/** Runs one live query per distinct effective query, shared by its subscribers. */
export interface LiveQueryService {
  /** Deterministic id of the live query for `query` (callers join its room before subscribing). */
  queryIdOf(query: EffectiveQuery): string;
  /** Adds a subscriber; resolves with the current result and its version. */
  subscribe(query: EffectiveQuery, subscriberId: string): Promise<LiveQuerySnapshot>;
  /** Deterministic id of the live count of `query.filter` (the room its updates go to). */
  countIdOf(query: EffectiveQuery): string;
  /** Adds a subscriber to the live count of `query.filter`; resolves with the count and its version. */
  subscribeCount(query: EffectiveQuery, subscriberId: string): Promise<LiveCountSnapshot>;
  /** Opens live pages (one subscriber's: `pagesId` is unique) and resolves with the first pages. */
  subscribePages(
    query: EffectiveQuery,
    pagesId: string,
    options: { pageSize: number; pageCount: number },
    subscriberId: string,
  ): Promise<LivePagesSnapshot>;
  /** Loads the next page of live pages; its update is emitted before this resolves with its version. */
  morePages(pagesId: string): Promise<{ version: number }>;
  /** Removes a subscriber from a live query, live count or live pages. */
  unsubscribe(queryId: string, subscriberId: string): void;
  /** A one-off find with the same semantics as a live query's snapshot. */
  find(query: EffectiveQuery): Promise<EJSONDocument[]>;
  /** Number of live queries running. */
  readonly size: number;
  close(): Promise<void>;
}

/**
 * Creates the live-query service of a bridge: one live query per distinct effective query, shared
 * by its subscribers, fed by one change stream per collection.
 *
 * @example
 * const service = createLiveQueryService({
 *   mongo,
 *   emitUpdate: (queryId, update) => io.to(queryId).emit('query:update', update),
 *   emitError: (queryId, error) => io.to(queryId).emit('query:error', { queryId, error }),
 * });
 */
export function createLiveQueryService(options: LiveQueryServiceOptions): LiveQueryService {
  return new LiveQueryServiceImpl(options);
}

export { compareValues } from './bsonOrder.js';
export { LiveQueryEngine } from './LiveQueryEngine.js';
export {
  liveQueryKeyOf,
  type PrefetchContext,
  type PrefetchSpec,
  prefetchLivePages,
  prefetchLiveQuery,
  type QueryClientLike,
} from './prefetchLiveQuery.js';
export { queryIdOf } from './queryId.js';
export type { LiveCountSnapshot } from './SharedLiveCount.js';
export type { LivePagesSnapshot } from './SharedLivePages.js';
