import type { WatchTarget, WireError } from '@mongo-live/protocol';
import type { Document, MongoClient } from 'mongodb';
import { BridgeError, toWireError } from '../errors.js';
import { normalizeNumbers } from '../live-query/normalize.js';
import { CatchUp, type CatchUpMember } from './CatchUp.js';
import { DriverStream } from './DriverStream.js';
import type { DispatchPredicate } from './dispatchPredicate.js';
import { EventIndex } from './EventIndex.js';
import { type FeedFamily, familyOptions } from './family.js';
import { type PositionKey, type StartPoint, startKey, startOptions, tokenKey } from './position.js';
import { ReplayBuffer } from './ReplayBuffer.js';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  promise: Promise<void>;
}

/** Something a feed delivers events to: a watch group, or the live queries of a collection. */
export interface FeedConsumer {
  /** The raw events of one batch that may concern this consumer (never empty), and the token after them. */
  deliver(events: Document[], token: unknown): void;
  /** The feed's position moved on with nothing for this consumer (sent at most every tick). */
  advanced?(token: unknown): void;
  /** The feed ended for good (error, invalidation, bridge closing). */
  ended(error: WireError): void;
}

/** Tuning and hooks of a feed, from its registry. */
export interface FeedSettings {
  mongo: MongoClient;
  /** Most events handed on per batch. */
  maxBatch: number;
  /** Events kept for resuming subscriptions. */
  replayEvents: number;
  /** How long resume requests are gathered before one catch-up stream opens for them. */
  gatherMs: number;
  /** How often idle consumers are told the feed's advancing position. */
  tickMs: number;
  /** Called before opening any MongoDB stream (the feed's or a catch-up's); throws when over budget. */
  reserveStream(): void;
  releaseStream(): void;
  /** The feed has no consumer and no catch-up left; `linger` when its last consumer may come back soon (a disconnect). */
  idle(feed: ChangeFeed, linger: boolean): void;
  /** The feed ended; the registry forgets it. */
  ended(feed: ChangeFeed): void;
}

/**
 * One MongoDB change stream for a scope (deployment, database, collection) and option
 * {@link FeedFamily}, shared by every watch subscription and live query on it. Each event goes,
 * through an {@link EventIndex}, only to the consumers it may concern; the last events stay in a
 * {@link ReplayBuffer}, so subscriptions that resume are served from memory, and those further
 * behind share one {@link CatchUp} stream that hands them over to this feed at the exact event.
 *
 * @example
 * const feed = new ChangeFeed({ db: 'shop', collection: 'orders' }, LIVE_FAMILY, settings);
 * await feed.open();
 * feed.attach(group, dispatchPredicateOf(spec));
 */
export class ChangeFeed {
  private stream: DriverStream | undefined;
  private readonly buffer: ReplayBuffer;
  private readonly index = new EventIndex<FeedConsumer>();
  private readonly catchUps = new Set<CatchUp>();
  private gathering: { members: CatchUpMember[] } | undefined;
  /** Where each resuming member asked to start, and its pending answer. */
  private readonly starts = new WeakMap<CatchUpMember, StartPoint>();
  private readonly waiters = new Map<CatchUpMember, Waiter>();
  private positionToken: unknown;
  private posKey: PositionKey | undefined;
  private tickedToken: unknown;
  private ticker: NodeJS.Timeout | undefined;
  private opening: Promise<void> | undefined;
  private over = false;
  private reserved = false;
  private openStarts: StartPoint[] | undefined;

  constructor(
    readonly scope: WatchTarget,
    readonly family: FeedFamily,
    private readonly settings: FeedSettings,
  ) {
    this.buffer = new ReplayBuffer(settings.replayEvents);
  }

  /** The resume token of the feed's position: every event up to it has been dispatched. */
  get position(): unknown {
    return this.positionToken;
  }

  get isEnded(): boolean {
    return this.over;
  }

  /** MongoDB streams this feed holds open: its own and its catch-ups'. */
  get streams(): number {
    return (this.reserved ? 1 : 0) + this.catchUps.size;
  }

  get consumers(): number {
    return this.index.size;
  }

  /**
   * Opens the feed's stream (once). Opened for a resuming subscription, it waits briefly for the
   * others of a reconnect storm and starts at the oldest of their positions, so they are all served
   * from its replay buffer; otherwise it starts where MongoDB is now.
   */
  open(start?: StartPoint): Promise<void> {
    if (start && !this.opening) {
      const starts: StartPoint[] = [];
      this.openStarts = starts;
      this.opening = new Promise<void>((resolve) => setTimeout(resolve, this.settings.gatherMs * 4)).then(async () => {
        this.openStarts = undefined;
        try {
          await this.openAt(oldest(starts));
        } catch (error) {
          // The oldest position is gone: start now; each resumer learns of its own loss from its catch-up.
          if (toWireError(error).code !== 'HISTORY_LOST') throw error;
          await this.openAt(undefined);
        }
      });
      this.opening.catch((error) => this.end(toWireError(error)));
    }
    if (start) this.openStarts?.push(start);
    this.opening ??= this.openAt(undefined);
    this.opening.catch((error) => this.end(toWireError(error)));
    return this.opening;
  }

  /**
   * Without a start point the stream starts where MongoDB is now: once it is established, every
   * later read (a live query's snapshot) is covered by it.
   */
  private async openAt(start: StartPoint | undefined): Promise<void> {
    this.settings.reserveStream();
    this.reserved = true;
    const stream = new DriverStream(
      this.settings.mongo,
      this.scope,
      { ...familyOptions(this.family), ...(start ? startOptions(start) : {}) },
      { batch: (events, token) => this.onBatch(events, token), failed: (error) => this.end(toWireError(error)) },
      this.settings.maxBatch,
    );
    this.stream = stream;
    try {
      await stream.open();
    } catch (error) {
      this.reserved = false;
      this.settings.releaseStream();
      throw error;
    }
    if (this.over) return;
    this.setPosition(stream.token ?? (start && 'token' in start ? start.token : undefined));
    this.buffer.reset(start ? startKey(start) : this.posKey);
    this.ticker = setInterval(() => this.tick(), this.settings.tickMs);
    this.ticker.unref();
  }

  /** Starts dispatching to `consumer` (events after the feed's current position). */
  attach(consumer: FeedConsumer, predicate: DispatchPredicate | undefined): void {
    this.index.add(consumer, predicate);
  }

  /** Stops dispatching to `consumer`; `linger` keeps an idle feed open a while for reconnects. */
  detach(consumer: FeedConsumer, linger = false): void {
    this.index.remove(consumer);
    this.checkIdle(linger);
  }

  /** The events dispatched after `key`, when the replay buffer holds all of them. */
  replay(key: PositionKey): Document[] | undefined {
    if (!this.canHandOver(key)) return undefined;
    return this.buffer.after(key).map((b) => b.event);
  }

  /** True when everything after `key` has been dispatched and is still in the replay buffer. */
  canHandOver(key: PositionKey): boolean {
    return this.buffer.covers(key) && this.posKey !== undefined && key <= this.posKey;
  }

  /**
   * Serves a subscription resuming from `start`: at once from the replay buffer when it covers
   * the position, else through a catch-up stream shared with the others resuming now. Resolves
   * once MongoDB accepted the catch-up (so an unknown or lost position fails the request).
   */
  async resume(member: CatchUpMember, start: StartPoint): Promise<void> {
    const key = startKey(start);
    if (key === undefined)
      throw new BridgeError('INVALID_REQUEST', 'the resume token is not a MongoDB 4.2+ resume token');
    await this.open(start);
    if (this.over) throw new BridgeError('CLOSED', 'the change feed ended');
    if (this.canHandOver(key)) return member.handover(key);
    for (const catchUp of this.catchUps) if (catchUp.tryJoin(member)) return catchUp.opened;
    return this.gather(member, start);
  }

  /** Ends the feed for every consumer (bridge closing) without opening anything new. */
  close(error: WireError = { code: 'CLOSED', message: 'the bridge is shutting down' }): void {
    this.end(error, false);
  }

  /**
   * Queues a member for the next catch-up stream (opened after `gatherMs`, from the oldest queued
   * position). Resolves when the member's catch-up opened; rejects only with the member's own error.
   */
  private gather(member: CatchUpMember, start: StartPoint): Promise<void> {
    if (!this.gathering) {
      const members: CatchUpMember[] = [];
      this.gathering = { members };
      setTimeout(() => {
        if (this.gathering?.members === members) this.gathering = undefined;
        void this.startCatchUp(members);
      }, this.settings.gatherMs);
    }
    this.gathering.members.push(member);
    this.starts.set(member, start);
    let waiter = this.waiters.get(member);
    if (!waiter) {
      let settle!: Waiter;
      const promise = new Promise<void>((resolve, reject) => {
        settle = { resolve, reject, promise: undefined as unknown as Promise<void> };
      });
      settle.promise = promise;
      waiter = settle;
      this.waiters.set(member, waiter);
    }
    return waiter.promise;
  }

  private settle(member: CatchUpMember, error?: unknown): void {
    const waiter = this.waiters.get(member);
    if (!waiter) return;
    this.waiters.delete(member);
    if (error === undefined) waiter.resolve();
    else waiter.reject(error);
  }

  private async startCatchUp(members: CatchUpMember[]): Promise<void> {
    const live = members.filter((m) => !m.cancelled);
    for (const m of members) if (m.cancelled) this.settle(m, new BridgeError('CLOSED', 'cancelled'));
    if (this.over) {
      for (const m of live) this.settle(m, new BridgeError('CLOSED', 'the change feed ended'));
      return;
    }
    // Members the feed caught up with meanwhile need no stream.
    const behind: CatchUpMember[] = [];
    for (const m of live) {
      if (this.canHandOver(m.key)) {
        m.handover(m.key);
        this.settle(m);
      } else behind.push(m);
    }
    if (behind.length === 0) return this.checkIdle();
    const oldest = behind.reduce((a, b) => (a.key <= b.key ? a : b));
    const start = this.starts.get(oldest) ?? { token: undefined };
    try {
      this.settings.reserveStream();
    } catch (error) {
      for (const m of behind) this.settle(m, error);
      return this.checkIdle();
    }
    const catchUp = new CatchUp(
      {
        mongo: this.settings.mongo,
        scope: this.scope,
        options: familyOptions(this.family),
        maxBatch: this.settings.maxBatch,
        canHandOver: (key) => this.canHandOver(key),
        isAhead: (key) => this.posKey === undefined || key > this.posKey,
        bufferBase: () => this.buffer.base,
        extendBack: (base, events) => this.buffer.extendBack(base, events),
        done: (c, failed, retry, error) => this.catchUpDone(c, failed, retry, error),
      },
      start,
      behind,
    );
    this.catchUps.add(catchUp);
    catchUp.opened.then(
      () => {
        for (const m of behind) this.settle(m);
      },
      () => undefined, // catchUpDone settles each member with its own outcome
    );
  }

  private catchUpDone(catchUp: CatchUp, failed: CatchUpMember[], retry: CatchUpMember[], error?: WireError): void {
    if (this.catchUps.delete(catchUp)) this.settings.releaseStream();
    const wire = error as WireError | undefined;
    const cause = wire
      ? new BridgeError(wire.code, wire.message, wire.mongoCode)
      : new BridgeError('CLOSED', 'the catch-up ended');
    for (const member of failed) this.settle(member, cause);
    for (const member of retry) {
      const start = this.starts.get(member);
      if (start && !member.cancelled) void this.gather(member, start).catch((e) => member.failed(toWireError(e)));
      else this.settle(member, new BridgeError('CLOSED', 'cancelled'));
    }
    this.checkIdle();
  }

  private onBatch(events: Document[], token: unknown): void {
    if (this.over) return;
    const owed = new Map<FeedConsumer, Document[]>();
    let invalidated = false;
    for (const event of events) {
      if (event.operationType === 'invalidate') invalidated = true;
      const key = tokenKey(event._id);
      if (key !== undefined) this.buffer.push(key, event);
      // The images are read only by field dimensions of the index: no copies when there are none.
      const images = this.index.readsImages;
      const post = images && event.fullDocument ? normalizeNumbers(event.fullDocument as Document) : null;
      const pre =
        images && event.fullDocumentBeforeChange ? normalizeNumbers(event.fullDocumentBeforeChange as Document) : null;
      for (const consumer of this.index.candidates(event, post, pre)) {
        const list = owed.get(consumer);
        if (list) list.push(event);
        else owed.set(consumer, [event]);
      }
    }
    this.setPosition(token ?? events.at(-1)?._id);
    for (const [consumer, list] of owed) this.safely(consumer, () => consumer.deliver(list, this.positionToken));
    for (const catchUp of this.catchUps) catchUp.feedAdvanced();
    if (invalidated)
      this.end({ code: 'STREAM_INVALIDATED', message: 'the change stream was invalidated (dropped or renamed)' });
  }

  private setPosition(token: unknown): void {
    const key = tokenKey(token);
    if (token === undefined || (key !== undefined && this.posKey !== undefined && key < this.posKey)) return;
    this.positionToken = token;
    this.posKey = key;
  }

  /** Tells idle consumers the feed's position, so their tokens stay fresh in the oplog. */
  private tick(): void {
    if (this.over || this.positionToken === this.tickedToken) return;
    this.tickedToken = this.positionToken;
    for (const consumer of [...this.index.all()])
      if (consumer.advanced) this.safely(consumer, () => consumer.advanced?.(this.positionToken));
  }

  /** A consumer that throws is ended alone; the feed and the other consumers go on. */
  private safely(consumer: FeedConsumer, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.index.remove(consumer);
      consumer.ended(toWireError(error));
    }
  }

  private checkIdle(linger = true): void {
    if (!this.over && this.index.size === 0 && this.catchUps.size === 0 && !this.gathering)
      this.settings.idle(this, linger);
  }

  private end(error: WireError, notify = true): void {
    if (this.over) return;
    this.over = true;
    if (this.ticker) clearInterval(this.ticker);
    if (this.reserved) this.settings.releaseStream();
    this.reserved = false;
    this.stream?.close();
    for (const catchUp of this.catchUps) {
      catchUp.close();
      this.settings.releaseStream();
    }
    this.catchUps.clear();
    const consumers = [...this.index.all()];
    for (const consumer of consumers) this.index.remove(consumer);
    this.settings.ended(this);
    if (notify) for (const consumer of consumers) consumer.ended(error);
  }
}

/** The start point with the oldest position (comparable ones only). */
function oldest(starts: StartPoint[]): StartPoint | undefined {
  let best: StartPoint | undefined;
  let bestKey: PositionKey | undefined;
  for (const start of starts) {
    const key = startKey(start);
    if (key !== undefined && (bestKey === undefined || key < bestKey)) {
      best = start;
      bestKey = key;
    }
  }
  return best;
}
