import type { EJSONDocument } from '@mongo-live/protocol';
import type { MongoClient } from 'mongodb';
import { encode } from '../driverBson.js';
import { BridgeError } from '../errors.js';
import { ChangeFeeds } from '../feed/ChangeFeeds.js';
import { LIVE_FAMILY } from '../feed/family.js';
import { resolveLimits } from '../limits.js';
import { Projection } from '../Projection.js';
import { CollectionFeed } from './CollectionFeed.js';
import type {
  EffectiveQuery,
  FeedProvider,
  LiveQueryService,
  LiveQueryServiceOptions,
  LiveQuerySnapshot,
} from './index.js';
import { LiveQueryEngine } from './LiveQueryEngine.js';
import { queryIdOf } from './queryId.js';
import { SharedLiveQuery } from './SharedLiveQuery.js';

interface Running {
  query: SharedLiveQuery;
  feed: CollectionFeed;
  ready: Promise<void>;
}

/** Compiles a query's filter, sort and projection up front, so bad input fails as INVALID_REQUEST. */
function validate(query: EffectiveQuery): void {
  try {
    new LiveQueryEngine(query);
  } catch (error) {
    throw new BridgeError('INVALID_REQUEST', (error as Error).message);
  }
}

/**
 * Implementation of {@link LiveQueryService}: one {@link SharedLiveQuery} per query id, one
 * {@link CollectionFeed} per collection (a consumer of the collection's shared change feed); a
 * query ends with its last subscriber, a collection's consumer with its last query.
 *
 * @example
 * const service = new LiveQueryServiceImpl({ mongo, emitUpdate, emitError });
 * const { queryId, docs, version } = await service.subscribe(query, socket.id + ':' + subId);
 */
export class LiveQueryServiceImpl implements LiveQueryService {
  private readonly running = new Map<string, Running>();
  private readonly feeds = new Map<string, CollectionFeed>();
  private readonly mongo: MongoClient;
  private readonly changeFeeds: FeedProvider;

  constructor(private readonly options: LiveQueryServiceOptions) {
    this.mongo = options.mongo;
    this.changeFeeds =
      options.feeds ??
      new ChangeFeeds({ mongo: options.mongo, limits: resolveLimits(), onSubscriptionEnded: () => undefined });
  }

  get size(): number {
    return this.running.size;
  }

  queryIdOf(query: EffectiveQuery): string {
    return queryIdOf(query);
  }

  async subscribe(query: EffectiveQuery, subscriberId: string): Promise<LiveQuerySnapshot> {
    const id = queryIdOf(query);
    let entry = this.running.get(id);
    if (!entry) {
      validate(query);
      entry = this.start(id, query);
    }
    entry.query.subscribers.add(subscriberId);
    const { query: shared, feed, ready } = entry;
    try {
      await ready;
    } catch (error) {
      shared.subscribers.delete(subscriberId);
      throw error;
    }
    // Read on the feed's queue, so the docs and the version belong together.
    return feed.enqueue(() => {
      if (shared.closed) throw new BridgeError('CLOSED', 'the live query ended');
      return shared.snapshot();
    });
  }

  unsubscribe(queryId: string, subscriberId: string): void {
    const entry = this.running.get(queryId);
    if (!entry?.query.subscribers.delete(subscriberId)) return;
    if (entry.query.subscribers.size === 0) this.stop(queryId, entry);
  }

  async find(query: EffectiveQuery): Promise<EJSONDocument[]> {
    validate(query);
    const engine = new LiveQueryEngine(query);
    const projection = Projection.compile(query.projection);
    let cursor = this.mongo
      .db(query.db)
      .collection(query.collection)
      .find(query.filter, { sort: engine.order.mongoSort });
    if (query.skip) cursor = cursor.skip(query.skip);
    if (query.limit) cursor = cursor.limit(Math.abs(query.limit));
    const docs = await cursor.toArray();
    return docs.map((d) => encode(projection.apply(d)) as EJSONDocument);
  }

  async close(): Promise<void> {
    const feeds = [...this.feeds.values()];
    for (const entry of this.running.values()) entry.query.closed = true;
    this.running.clear();
    this.feeds.clear();
    await Promise.all(feeds.map((f) => f.close()));
  }

  private start(id: string, query: EffectiveQuery): Running {
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
      emitError: (queryId: string, error: Parameters<LiveQueryServiceOptions['emitError']>[1]) => {
        const failed = this.running.get(queryId);
        if (failed) this.stop(queryId, failed);
        this.options.emitError(queryId, error);
      },
    };
    const shared = new SharedLiveQuery(id, query, sink, {
      entered: (docId) => membership.entered(docId),
      left: (docId) => membership.left(docId),
    });
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
