import type { EJSONDocument, WatchTarget } from '@mongo-live/protocol';
import type { ChangeStreamOptions, Document, MongoClient } from 'mongodb';
import type { Grant } from '../access/AccessPolicy.js';
import { ChangeEventGuard, MAX_SHOWN_IDS } from '../access/ChangeEventGuard.js';
import { ShownDocuments, ShownLedger } from '../access/ShownDocuments.js';
import { BridgeError } from '../errors.js';
import type { BridgeLimits } from '../limits.js';
import type { Outbox } from '../session/Outbox.js';
import { ChangeFeed } from './ChangeFeed.js';
import { dispatchPredicateOf } from './dispatchPredicate.js';
import { type FeedFamily, familyOf, feedKey } from './family.js';
import { startPointOf } from './position.js';
import { streamKey } from './streamKey.js';
import { WatchGroup } from './WatchGroup.js';

/** A watch subscription after validation and authorization. */
export interface WatchSpec {
  scope: WatchTarget;
  grant: Grant;
  /** The client's stages; they run in the bridge, on the guarded event. */
  pipeline: Document[];
  /** The client's options, including where to start. */
  options: ChangeStreamOptions;
}

export interface ChangeFeedsOptions {
  mongo: MongoClient;
  /** Needed to serve watch subscriptions; live queries alone need none. */
  outbox?: Outbox;
  limits: BridgeLimits;
  /** The bridge ended a subscription by itself: its session must forget it. */
  onSubscriptionEnded(socketId: string, subId: string): void;
}

/** Options that shape what a subscriber is sent (the rest only say where to start or how to read). */
function outputOptions(options: ChangeStreamOptions): ChangeStreamOptions {
  const out: ChangeStreamOptions = {};
  if (options.fullDocument !== undefined) out.fullDocument = options.fullDocument;
  if (options.fullDocumentBeforeChange !== undefined) out.fullDocumentBeforeChange = options.fullDocumentBeforeChange;
  if (options.showExpandedEvents !== undefined) out.showExpandedEvents = options.showExpandedEvents;
  if (options.collation !== undefined) out.collation = options.collation;
  return out;
}

/**
 * The bridge's change feeds: one {@link ChangeFeed} per scope and option family, open while it has
 * consumers (and for `feedLingerMs` after, so a reconnect storm finds it running), and the
 * {@link WatchGroup}s on them, one per distinct watch spec. Counts every MongoDB change stream
 * against `maxChangeStreams`.
 *
 * @example
 * const feeds = new ChangeFeeds({ mongo, outbox, limits, onSubscriptionEnded });
 * const accepted = await feeds.watch(socket.id, 'sub-1', { scope: { db: 'shop', collection: 'orders' }, grant, pipeline: [], options: {} });
 */
export class ChangeFeeds {
  private readonly feeds = new Map<string, ChangeFeed>();
  private readonly groups = new Map<string, WatchGroup>();
  private readonly groupsById = new Map<string, WatchGroup>();
  private readonly lingering = new Map<ChangeFeed, NodeJS.Timeout>();
  /**
   * What released groups had shown, by stream key, for `feedLingerMs`: a subscriber resuming after
   * a blip gets a new group, and without pre-images its guard needs this to tell the removals of
   * documents shown before the blip.
   */
  private readonly keptShown = new Map<string, { shown: ShownDocuments; timer: NodeJS.Timeout }>();
  /** The process-wide budget of what restricted streams remember having shown (`maxShownDocuments`). */
  readonly shownLedger: ShownLedger;
  private open = 0;
  private closed = false;

  constructor(private readonly options: ChangeFeedsOptions) {
    this.shownLedger = new ShownLedger(options.limits.maxShownDocuments, MAX_SHOWN_IDS);
  }

  /** MongoDB change streams open: feeds and catch-ups. */
  get streams(): number {
    return this.open;
  }

  /** Feeds running. */
  get size(): number {
    return this.feeds.size;
  }

  /** Distinct watch specs being served. */
  get groupCount(): number {
    return this.groups.size;
  }

  /** The feed of a scope and family, created (not yet opened) when there is none. */
  feed(scope: WatchTarget, family: FeedFamily): ChangeFeed {
    if (this.closed) throw new BridgeError('CLOSED', 'the bridge is closed');
    const key = feedKey(scope, family);
    let feed = this.feeds.get(key);
    if (!feed || feed.isEnded) {
      const { mongo, limits } = this.options;
      const created: ChangeFeed = new ChangeFeed(scope, family, {
        mongo,
        maxBatch: limits.batchSize,
        replayEvents: limits.replayBufferEvents,
        gatherMs: 5,
        tickMs: 1000,
        reserveStream: () => this.reserveStream(),
        releaseStream: () => {
          this.open -= 1;
        },
        idle: (f, linger) => (linger ? this.linger(f) : f.close()),
        ended: (f) => {
          if (this.feeds.get(key) === f) this.feeds.delete(key);
          this.clearLinger(f);
        },
      });
      feed = created;
      this.feeds.set(key, feed);
    }
    this.clearLinger(feed);
    return feed;
  }

  /** Adds a watch subscription; resolves with its stream id and starting token (the ack). */
  async watch(
    socketId: string,
    subId: string,
    spec: WatchSpec,
  ): Promise<{ streamId: string; resumeToken?: EJSONDocument }> {
    if (!this.options.outbox) throw new BridgeError('SERVER_ERROR', 'these change feeds serve live queries only');
    const output = outputOptions(spec.options);
    const collation = output.collation as { locale?: string } | undefined;
    if (collation && collation.locale !== 'simple' && spec.pipeline.length > 0)
      throw new BridgeError(
        'INVALID_REQUEST',
        'a collation other than { locale: "simple" } cannot be applied exactly to a pipeline evaluated in the bridge; compare strings without it (e.g. $toLower) or drop the collation',
      );
    const key = streamKey(spec.scope, spec.pipeline, output, spec.grant);
    const feed = this.feed(spec.scope, familyOf(spec.options));
    await feed.open(startPointOf(spec.options));
    let group = this.groups.get(key);
    if (!group || group.feed !== feed) {
      const restricted = spec.grant.kind === 'restricted' ? spec.grant : undefined;
      const guard = new ChangeEventGuard({
        ...(restricted?.filter ? { filter: restricted.filter } : {}),
        ...(restricted?.projection ? { projection: restricted.projection } : {}),
        ...(restricted?.removalsWithoutPreImage ? { removalsWithoutPreImage: restricted.removalsWithoutPreImage } : {}),
        clientOptions: output,
        clientPipeline: spec.pipeline,
        limits: this.options.limits,
        shown: this.takeShown(key) ?? new ShownDocuments(this.shownLedger),
      });
      group = this.createGroup(key, feed, guard);
      feed.attach(
        group,
        dispatchPredicateOf({
          ...(restricted?.filter ? { rowFilter: restricted.filter } : {}),
          pipeline: spec.pipeline,
        }),
      );
      group.attached();
    }
    return group.join(socketId, subId, startPointOf(spec.options));
  }

  /** Ends a watch subscription; `linger` (a disconnect) keeps its feed open a while if it was the last. */
  unwatch(socketId: string, subId: string, streamId: string, linger = false): void {
    this.groupsById.get(streamId)?.leave(socketId, subId, linger);
  }

  /** Ends every feed without notifying anyone (the bridge tells clients it is closing). */
  closeAll(): void {
    this.closed = true;
    for (const timer of this.lingering.values()) clearTimeout(timer);
    this.lingering.clear();
    for (const { shown, timer } of this.keptShown.values()) {
      clearTimeout(timer);
      shown.dispose();
    }
    this.keptShown.clear();
    for (const feed of [...this.feeds.values()]) feed.close();
    this.feeds.clear();
    this.groups.clear();
    this.groupsById.clear();
  }

  private createGroup(key: string, feed: ChangeFeed, guard: ChangeEventGuard): WatchGroup {
    const group: WatchGroup = new WatchGroup(key, feed, guard, {
      outbox: this.options.outbox!,
      subscriptionEnded: (socketId, subId) => this.options.onSubscriptionEnded(socketId, subId),
      released: (g, linger) => {
        if (this.groups.get(g.key) === g) this.groups.delete(g.key);
        this.groupsById.delete(g.id);
        if (linger && guard.shownDocuments.size > 0) this.keepShown(g.key, guard.shownDocuments);
        else guard.shownDocuments.dispose();
        g.feed.detach(g, linger);
      },
    });
    this.groups.set(key, group);
    this.groupsById.set(group.id, group);
    return group;
  }

  private takeShown(key: string): ShownDocuments | undefined {
    const kept = this.keptShown.get(key);
    if (!kept) return undefined;
    clearTimeout(kept.timer);
    this.keptShown.delete(key);
    return kept.shown;
  }

  private keepShown(key: string, shown: ShownDocuments): void {
    const previous = this.takeShown(key);
    if (previous !== shown) previous?.dispose();
    const timer = setTimeout(() => {
      this.keptShown.delete(key);
      shown.dispose();
    }, this.options.limits.feedLingerMs);
    timer.unref();
    this.keptShown.set(key, { shown, timer });
  }

  private reserveStream(): void {
    const max = this.options.limits.maxChangeStreams;
    if (this.open >= max)
      throw new BridgeError(
        'LIMIT_EXCEEDED',
        `the bridge holds ${max} MongoDB change streams already (maxChangeStreams)`,
      );
    this.open += 1;
  }

  private linger(feed: ChangeFeed): void {
    this.clearLinger(feed);
    const timer = setTimeout(() => {
      this.lingering.delete(feed);
      if (feed.consumers === 0) feed.close();
    }, this.options.limits.feedLingerMs);
    timer.unref();
    this.lingering.set(feed, timer);
  }

  private clearLinger(feed: ChangeFeed): void {
    const timer = this.lingering.get(feed);
    if (timer) clearTimeout(timer);
    this.lingering.delete(feed);
  }
}
