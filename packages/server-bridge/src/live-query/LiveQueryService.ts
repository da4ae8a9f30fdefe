import type {
  EJSONDocument,
  LiveCountAccepted,
  LiveCountUpdate,
  LivePagesAccepted,
  LivePagesUpdate,
  LiveQueryAccepted,
  LiveQueryUpdate,
  WatchTarget,
  WireError,
} from '@mongo-live/protocol';
import type { MongoClient } from 'mongodb';
import type { EffectiveQuery } from '../access/effectiveQuery.js';
import { Projection } from '../access/Projection.js';
import { encode } from '../driverBson.js';
import { BridgeError } from '../errors.js';
import type { ChangeFeed } from '../feed/ChangeFeed.js';
import { ChangeFeeds } from '../feed/ChangeFeeds.js';
import { type FeedFamily, LIVE_FAMILY } from '../feed/family.js';
import { type BridgeLimits, resolveLimits } from '../limits.js';
import { CollectionFeed } from './CollectionFeed.js';
import { LiveQueryEngine } from './LiveQueryEngine.js';
import { queryIdOf } from './queryId.js';
import { SharedLiveCount } from './SharedLiveCount.js';
import { type PagesShape, SharedLivePages } from './SharedLivePages.js';
import { SharedLiveQuery } from './SharedLiveQuery.js';

/** Where live queries get a collection's change feed (the bridge's `ChangeFeeds`). */
export interface FeedProvider {
  feed(scope: WatchTarget, family: FeedFamily): ChangeFeed;
}

/**
 * What a {@link LiveQueryService} needs: the driver, and where its messages go.
 *
 * @example
 * const options: LiveQueryServiceOptions = { mongo, emitUpdate: (id, u) => io.to(id).emit('query:update', u), emitError };
 */
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

interface Running {
  query: SharedLiveQuery | SharedLiveCount | SharedLivePages;
  feed: CollectionFeed;
  ready: Promise<void>;
}

/** Compiles a query's filter, sort and projection up front, so bad input fails as INVALID_REQUEST. */
function validate(query: EffectiveQuery, limits: BridgeLimits): void {
  try {
    new LiveQueryEngine(query, undefined, limits);
  } catch (error) {
    if (error instanceof BridgeError) throw error;
    throw new BridgeError('INVALID_REQUEST', (error as Error).message);
  }
}

/** Id of the live count of a filter: like a query id, in its own namespace. */
function countIdOf(query: EffectiveQuery): string {
  return `c${queryIdOf({ db: query.db, collection: query.collection, filter: query.filter }).slice(1)}`;
}

/**
 * The live queries of a bridge: one {@link SharedLiveQuery} per distinct effective query and one
 * {@link SharedLiveCount} per count id, shared by their subscribers, live pages per subscriber, and
 * one {@link CollectionFeed} per collection (a consumer of the collection's shared change feed); a
 * query ends with its last subscriber, a collection's consumer with its last query.
 *
 * @example
 * const service = new LiveQueryService({
 *   mongo,
 *   emitUpdate: (queryId, update) => io.to(queryId).emit('query:update', update),
 *   emitError: (queryId, error) => io.to(queryId).emit('query:error', { queryId, error }),
 * });
 * const { queryId, docs, version } = await service.subscribe(query, socket.id + ':' + subId);
 */
export class LiveQueryService {
  private readonly running = new Map<string, Running>();
  private readonly feeds = new Map<string, CollectionFeed>();
  private readonly mongo: MongoClient;
  private readonly changeFeeds: FeedProvider;

  private readonly limits: BridgeLimits;

  constructor(private readonly options: LiveQueryServiceOptions) {
    this.mongo = options.mongo;
    this.limits = options.limits ?? resolveLimits();
    this.changeFeeds =
      options.feeds ??
      new ChangeFeeds({ mongo: options.mongo, limits: this.limits, onSubscriptionEnded: () => undefined });
  }

  /** Number of live queries, counts and pages running. */
  get size(): number {
    return this.running.size;
  }

  /** Deterministic id of the live query for `query` (callers join its room before subscribing). */
  queryIdOf(query: EffectiveQuery): string {
    return queryIdOf(query);
  }

  /** Adds a subscriber; resolves with the current result and its version (the ack without `subId`). */
  async subscribe(query: EffectiveQuery, subscriberId: string): Promise<Omit<LiveQueryAccepted, 'subId'>> {
    const id = queryIdOf(query);
    const entry = this.running.get(id) ?? this.start(id, query, 'query');
    return this.join(entry, subscriberId, () => (entry.query as SharedLiveQuery).snapshot());
  }

  /** Deterministic id of the live count of `query.filter` (the room its updates go to). */
  countIdOf(query: EffectiveQuery): string {
    return countIdOf(query);
  }

  /** Adds a subscriber to the live count of `query.filter`; resolves with the count and its version. */
  async subscribeCount(query: EffectiveQuery, subscriberId: string): Promise<Omit<LiveCountAccepted, 'subId'>> {
    const id = countIdOf(query);
    const entry = this.running.get(id) ?? this.start(id, query, 'count');
    return this.join(entry, subscriberId, () => (entry.query as SharedLiveCount).snapshot());
  }

  private async join<S>(entry: Running, subscriberId: string, snapshot: () => S): Promise<S> {
    entry.query.subscribers.add(subscriberId);
    const { query: shared, feed, ready } = entry;
    try {
      await ready;
    } catch (error) {
      shared.subscribers.delete(subscriberId);
      throw error;
    }
    // Read on the feed's queue, so the content and the version belong together.
    return feed.enqueue(() => {
      if (shared.closed) throw new BridgeError('CLOSED', 'the live query ended');
      return snapshot();
    });
  }

  /** Removes a subscriber from a live query, live count or live pages. */
  unsubscribe(queryId: string, subscriberId: string): void {
    const entry = this.running.get(queryId);
    if (!entry?.query.subscribers.delete(subscriberId)) return;
    if (entry.query.subscribers.size === 0) this.stop(queryId, entry);
  }

  /** A one-off find with the same semantics as a live query's snapshot. */
  async find(query: EffectiveQuery): Promise<EJSONDocument[]> {
    validate(query, this.limits);
    const engine = new LiveQueryEngine(query, undefined, this.limits);
    const projection = Projection.compile(query.projection);
    let cursor = this.mongo
      .db(query.db)
      .collection(query.collection)
      .find(query.filter, { sort: engine.order.mongoSort });
    if (query.skip) cursor = cursor.skip(query.skip);
    // Without a limit, read one more than maxQueryResults: a larger result is refused, not held.
    cursor = cursor.limit(query.limit ? Math.abs(query.limit) : this.limits.maxQueryResults + 1);
    const docs = await cursor.toArray();
    if (!query.limit && docs.length > this.limits.maxQueryResults)
      throw new BridgeError(
        'LIMIT_EXCEEDED',
        `a find without limit may return at most maxQueryResults (${this.limits.maxQueryResults}) documents and this one matches more: give it a limit`,
      );
    return docs.map((d) => encode(projection.apply(d)) as EJSONDocument);
  }

  /** Ends every live query and the collections' consumers. */
  async close(): Promise<void> {
    const feeds = [...this.feeds.values()];
    for (const entry of this.running.values()) entry.query.closed = true;
    this.running.clear();
    this.feeds.clear();
    await Promise.all(feeds.map((f) => f.close()));
  }

  /** Opens live pages (one subscriber's: `pagesId` is unique) and resolves with the first pages. */
  async subscribePages(
    query: EffectiveQuery,
    pagesId: string,
    options: { pageSize: number; pageCount: number },
    subscriberId: string,
  ): Promise<Omit<LivePagesAccepted, 'subId'>> {
    if (options.pageSize * options.pageCount > this.limits.maxQueryResults)
      throw new BridgeError(
        'LIMIT_EXCEEDED',
        `pageSize × pageCount may be at most maxQueryResults (${this.limits.maxQueryResults})`,
      );
    if (this.running.has(pagesId)) throw new BridgeError('INVALID_REQUEST', 'these live pages are already open');
    const shape: PagesShape = { ...options, maxDocs: this.limits.maxQueryResults };
    const entry = this.start(pagesId, query, shape);
    return this.join(entry, subscriberId, () => (entry.query as SharedLivePages).snapshot());
  }

  /** Loads the next page of live pages; its update is emitted before this resolves with its version. */
  async morePages(pagesId: string): Promise<{ version: number }> {
    const entry = this.running.get(pagesId);
    if (!entry || !(entry.query instanceof SharedLivePages)) throw new BridgeError('CLOSED', 'these live pages ended');
    const pages = entry.query;
    await entry.ready;
    return { version: await entry.feed.enqueue(() => pages.more(this.mongo)) };
  }

  private start(id: string, query: EffectiveQuery, kind: 'query' | 'count' | PagesShape): Running {
    validate(
      kind === 'count' ? { db: query.db, collection: query.collection, filter: query.filter } : query,
      this.limits,
    );
    const key = `${query.db}.${query.collection}`;
    let feed = this.feeds.get(key);
    if (!feed) {
      const scope = { db: query.db, collection: query.collection };
      const created = new CollectionFeed(
        this.mongo,
        query.db,
        query.collection,
        () => this.changeFeeds.feed(scope, LIVE_FAMILY),
        () => {
          if (this.feeds.get(key) === created) this.feeds.delete(key);
        },
      );
      feed = created;
      this.feeds.set(key, feed);
    }
    const sink = {
      emitUpdate: this.options.emitUpdate,
      emitCount: (countId: string, update: Parameters<NonNullable<LiveQueryServiceOptions['emitCount']>>[1]) =>
        this.options.emitCount?.(countId, update),
      emitPages: (pagesId: string, update: Parameters<NonNullable<LiveQueryServiceOptions['emitPages']>>[1]) =>
        this.options.emitPages?.(pagesId, update),
      emitError: (queryId: string, error: Parameters<LiveQueryServiceOptions['emitError']>[1]) => {
        const failed = this.running.get(queryId);
        if (failed) this.stop(queryId, failed);
        this.options.emitError(queryId, error);
      },
    };
    const pagesFeed = feed;
    const relay = {
      entered: (docId: string) => membership.entered(docId),
      left: (docId: string) => membership.left(docId),
    };
    const shared =
      kind === 'query'
        ? new SharedLiveQuery(id, query, sink, relay, this.limits)
        : kind === 'count'
          ? new SharedLiveCount(id, query.filter, sink, relay, this.limits.maxCountedDocuments, this.limits)
          : new SharedLivePages(
              id,
              query,
              kind,
              sink,
              relay,
              (task) => void pagesFeed.enqueue(() => task(this.mongo)),
              this.limits,
            );
    const membership = feed.membershipOf(shared);
    const entry: Running = { query: shared, feed, ready: feed.add(shared) };
    entry.ready.catch(() => {
      if (this.running.get(id) === entry) this.running.delete(id);
    });
    this.running.set(id, entry);
    return entry;
  }

  private stop(id: string, entry: Running): void {
    if (this.running.get(id) === entry) this.running.delete(id);
    entry.query.closed = true;
    entry.feed.remove(entry.query);
  }
}
