import { randomUUID } from 'node:crypto';
import {
  type AckData,
  type AckResult,
  CLIENT_EVENTS,
  type ClientToServerEvents,
  type WatchTarget,
  type WireError,
} from '@mongo-live/protocol';
import type { Socket } from 'socket.io';
import { type AccessRequest, type Authorize, decide } from '../access/AccessPolicy.js';
import { buildEffectiveQuery, type EffectiveQuery } from '../access/effectiveQuery.js';
import { BridgeError, toWireError } from '../errors.js';
import type { ChangeFeeds } from '../feed/ChangeFeeds.js';
import type { BridgeLimits } from '../limits.js';
import type { LiveQueryService } from '../live-query/LiveQueryService.js';
import type { RequestValidator, ValidQuery } from '../validation/RequestValidator.js';
import type { BridgeSocket, Outbox } from './Outbox.js';
import { SubscriptionTable, type UserBudget, type UserBudgets } from './UserBudgets.js';

type SubEntry =
  | { kind: 'pending'; cancelled: boolean }
  | { kind: 'watch'; streamId: string }
  /** A live query or a live count: both are rooms of the live-query service, by id. */
  | { kind: 'query'; queryId: string };

/** What every session of a bridge shares. */
export interface SessionContext {
  authorize: Authorize;
  validator: RequestValidator;
  limits: BridgeLimits;
  feeds: ChangeFeeds;
  outbox: Outbox;
  liveQueries: LiveQueryService;
  /** Per-user subscription and read budgets (one bridge process). */
  budgets: UserBudgets;
  /** socket.io room of a live query. */
  queryRoom(queryId: string): string;
  isClosed(): boolean;
}

/**
 * One connected socket: validates, authorizes and dispatches its requests, tracks its
 * subscriptions, and releases them all on disconnect. Every failure ends up in the request's ack;
 * nothing a client sends can break the socket or its other subscriptions.
 *
 * @example
 * nsp.on('connection', (socket) => sessions.set(socket.id, new SocketSession(socket, context)));
 */
export class SocketSession {
  /** Its user's budget: subscriptions (counted by `subs`) and MongoDB reads, over all the user's sockets. */
  private readonly budget: UserBudget;
  private readonly subs: SubscriptionTable<SubEntry>;
  private disposed = false;

  constructor(
    readonly socket: BridgeSocket,
    private readonly ctx: SessionContext,
  ) {
    this.budget = ctx.budgets.attach(socket as unknown as Socket);
    this.subs = new SubscriptionTable(this.budget);
    // Requests that read MongoDB (a snapshot, a find, a watch's catch-up; and `authorize`, which
    // often reads too) take one of the user's read turns, from validation to the ack.
    const reading =
      <T>(run: (payload: unknown) => Promise<T>) =>
      (payload: unknown) =>
        this.budget.read(() => run(payload));
    this.handle(
      'watch',
      reading((payload) => this.watch(payload)),
    );
    this.handle(
      'query',
      reading((payload) => this.query(payload)),
    );
    this.handle(
      'count',
      reading((payload) => this.count(payload)),
    );
    this.handle(
      'pages',
      reading((payload) => this.pages(payload)),
    );
    this.handle(
      'pages:more',
      reading((payload) => this.morePages(payload)),
    );
    this.handle(
      'find',
      reading((payload) => this.find(payload)),
    );
    this.handle('unsubscribe', (payload) => this.unsubscribe(payload));
    // The client's heartbeat: an answer proves the connection carries packets both ways.
    this.handle('ping', async () => null);
    (socket as unknown as Socket).onAny((event: unknown, ...args: unknown[]) => {
      if ((CLIENT_EVENTS as readonly unknown[]).includes(event)) return;
      const name = typeof event === 'string' ? event.slice(0, 64) : typeof event;
      reply(args.at(-1), {
        ok: false,
        error: {
          code: 'INVALID_REQUEST',
          message: `unknown event '${name}'; expected one of ${CLIENT_EVENTS.join(', ')}`,
        },
      });
    });
    socket.on('disconnect', () => this.dispose());
  }

  /** Open (acknowledged) subscriptions of this socket. */
  get subscriptionCount(): number {
    let n = 0;
    for (const entry of this.subs.values()) if (entry.kind !== 'pending') n++;
    return n;
  }

  /** The bridge ended a subscription by itself (stream error, queue overflow). */
  forget(subId: string): void {
    this.subs.delete(subId);
  }

  /** This socket is over its outbound budget for a live query's update: its subscriptions of it end, loudly. */
  queryOverflow(queryId: string): void {
    for (const [subId, entry] of this.subs)
      if (entry.kind === 'query' && entry.queryId === queryId) {
        this.release(subId);
        this.socket.emit('sub:error', { subId, error: this.ctx.outbox.overflowError() });
      }
  }

  /** A live query failed for good: its subscriptions on this socket are over. */
  queryEnded(queryId: string): void {
    for (const [subId, entry] of this.subs)
      if (entry.kind === 'query' && entry.queryId === queryId) this.subs.delete(subId);
    void this.socket.leave(this.ctx.queryRoom(queryId));
  }

  /** Releases every subscription (disconnect or bridge shutdown). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // A disconnect: its feeds linger, so the client reconnecting finds them running.
    for (const subId of [...this.subs.keys()]) this.release(subId, true);
    this.ctx.budgets.detach(this.budget);
  }

  /** Answers `event` with what `run` resolves to: the protocol's ack of that event, checked by the compiler. */
  private handle<E extends keyof ClientToServerEvents>(event: E, run: (payload: unknown) => Promise<AckData<E>>): void {
    (this.socket as unknown as Socket).on(event as string, (...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? args.pop() : undefined;
      const outcome =
        args.length === 1
          ? run(args[0])
          : Promise.reject(new BridgeError('INVALID_REQUEST', `${event}: expected exactly one request argument`));
      outcome.then(
        (data) => {
          // Acks count against the socket's outbound budget too: a socket that stopped reading
          // gets a short refusal instead of (say) a large snapshot, and the subscription is undone.
          if (ack && this.ctx.outbox.overBudget(this.socket)) {
            const subId = (data as { subId?: unknown } | null)?.subId;
            if (typeof subId === 'string') this.release(subId);
            reply(ack, { ok: false, error: this.ctx.outbox.overflowError() });
          } else reply(ack, { ok: true, data });
        },
        (error: unknown) => reply(ack, { ok: false, error: toWireError(error) }),
      );
    });
  }

  private async watch(payload: unknown): Promise<AckData<'watch'>> {
    const req = this.ctx.validator.watch(payload);
    const entry = this.reserve(req.subId);
    try {
      const access: AccessRequest = {
        kind: 'watch',
        scope: req.db === undefined ? 'deployment' : req.collection === undefined ? 'database' : 'collection',
        pipeline: req.pipeline,
      };
      if (req.db !== undefined) access.db = req.db;
      if (req.collection !== undefined) access.collection = req.collection;
      const grant = await decide(this.ctx.authorize, access, this.socket as unknown as Socket);
      this.checkStillWanted(entry);
      const scope: WatchTarget = {};
      if (req.db !== undefined) scope.db = req.db;
      if (req.collection !== undefined) scope.collection = req.collection;
      const spec = { scope, grant, pipeline: req.pipeline, options: req.options };
      const accepted = await this.ctx.feeds.watch(this.socket.id, req.subId, spec);
      if (entry.cancelled || this.disposed) {
        this.ctx.feeds.unwatch(this.socket.id, req.subId, accepted.streamId);
        throw new BridgeError('CLOSED', 'the subscription was cancelled before it opened');
      }
      this.subs.set(req.subId, { kind: 'watch', streamId: accepted.streamId });
      return { subId: req.subId, ...accepted };
    } catch (error) {
      if (this.subs.get(req.subId) === entry) this.subs.delete(req.subId);
      throw error;
    }
  }

  private async query(payload: unknown): Promise<AckData<'query'>> {
    const req = this.ctx.validator.query(payload);
    return this.joinLive(
      req,
      (q) => this.ctx.liveQueries.queryIdOf(q),
      async (q, subscriberId) => {
        const result = await this.ctx.liveQueries.subscribe(q, subscriberId);
        return { id: result.queryId, accepted: { subId: req.subId, ...result } };
      },
    );
  }

  /** A live count: authorized like a query (row filter ANDed, a filter on a hidden field refused). */
  private async count(payload: unknown): Promise<AckData<'count'>> {
    const req = this.ctx.validator.count(payload);
    return this.joinLive(
      req,
      (q) => this.ctx.liveQueries.countIdOf(q),
      async (q, subscriberId) => {
        const result = await this.ctx.liveQueries.subscribeCount(q, subscriberId);
        return { id: result.countId, accepted: { subId: req.subId, ...result } };
      },
    );
  }

  /** Live pages: authorized like a query; one subscriber's, so their id is random (no other socket's room). */
  private async pages(payload: unknown): Promise<AckData<'pages'>> {
    const req = this.ctx.validator.pages(payload);
    const pagesId = `p:${randomUUID()}`;
    return this.joinLive(
      req,
      () => pagesId,
      async (q, subscriberId) => {
        const options = { pageSize: req.pageSize, pageCount: req.pageCount };
        const result = await this.ctx.liveQueries.subscribePages(q, pagesId, options, subscriberId);
        return { id: pagesId, accepted: { subId: req.subId, ...result } };
      },
    );
  }

  private async morePages(payload: unknown): Promise<AckData<'pages:more'>> {
    const { subId } = this.ctx.validator.morePages(payload);
    const entry = this.subs.get(subId);
    if (entry?.kind !== 'query' || !entry.queryId.startsWith('p:'))
      throw new BridgeError('INVALID_REQUEST', `pages:more: no live pages '${subId}' on this socket`);
    return this.ctx.liveQueries.morePages(entry.queryId);
  }

  /** Authorizes, joins the room of the live query or count, then subscribes (updates after the ack's version reach us). */
  private async joinLive<R>(
    req: ValidQuery & { subId: string },
    idOf: (query: EffectiveQuery) => string,
    subscribe: (query: EffectiveQuery, subscriberId: string) => Promise<{ id: string; accepted: R }>,
  ): Promise<R> {
    const entry = this.reserve(req.subId);
    let room: string | undefined;
    try {
      const effective = buildEffectiveQuery(req, await this.authorizeQuery(req));
      this.checkStillWanted(entry);
      room = this.ctx.queryRoom(idOf(effective));
      // Join BEFORE subscribing: updates after the snapshot's version reach this socket.
      await this.socket.join(room);
      const subscriberId = `${this.socket.id}:${req.subId}`;
      const { id, accepted } = await subscribe(effective, subscriberId);
      if (entry.cancelled || this.disposed) {
        this.ctx.liveQueries.unsubscribe(id, subscriberId);
        throw new BridgeError('CLOSED', 'the subscription was cancelled before it opened');
      }
      this.subs.set(req.subId, { kind: 'query', queryId: id });
      return accepted;
    } catch (error) {
      if (this.subs.get(req.subId) === entry) this.subs.delete(req.subId);
      if (room !== undefined && !this.inRoomByOtherSub(room)) void this.socket.leave(room);
      throw error;
    }
  }

  private async find(payload: unknown): Promise<AckData<'find'>> {
    const req = this.ctx.validator.find(payload);
    if (this.ctx.isClosed()) throw new BridgeError('CLOSED', 'the bridge is closed');
    const effective = buildEffectiveQuery(req, await this.authorizeQuery(req));
    return { docs: await this.ctx.liveQueries.find(effective) };
  }

  private async unsubscribe(payload: unknown): Promise<AckData<'unsubscribe'>> {
    const { subId } = this.ctx.validator.unsubscribe(payload);
    this.release(subId);
    return null;
  }

  private authorizeQuery(req: ValidQuery) {
    return decide(
      this.ctx.authorize,
      { kind: 'query', scope: 'collection', db: req.db, collection: req.collection, filter: req.filter },
      this.socket as unknown as Socket,
    );
  }

  private release(subId: string, linger = false): void {
    const entry = this.subs.get(subId);
    if (!entry) return;
    this.subs.delete(subId);
    if (entry.kind === 'pending') entry.cancelled = true;
    else if (entry.kind === 'watch') this.ctx.feeds.unwatch(this.socket.id, subId, entry.streamId, linger);
    else {
      this.ctx.liveQueries.unsubscribe(entry.queryId, `${this.socket.id}:${subId}`);
      const room = this.ctx.queryRoom(entry.queryId);
      if (!this.inRoomByOtherSub(room)) void this.socket.leave(room);
    }
  }

  private inRoomByOtherSub(room: string): boolean {
    for (const entry of this.subs.values())
      if (entry.kind === 'query' && this.ctx.queryRoom(entry.queryId) === room) return true;
    return false;
  }

  private reserve(subId: string): { kind: 'pending'; cancelled: boolean } {
    if (this.ctx.isClosed()) throw new BridgeError('CLOSED', 'the bridge is closed');
    if (this.disposed) throw new BridgeError('CLOSED', 'the socket disconnected');
    if (this.subs.has(subId))
      throw new BridgeError('INVALID_REQUEST', `subId '${subId}' is already in use on this socket`);
    if (this.subs.size >= this.ctx.limits.maxSubscriptionsPerSocket)
      throw new BridgeError(
        'LIMIT_EXCEEDED',
        `at most ${this.ctx.limits.maxSubscriptionsPerSocket} subscriptions per socket (maxSubscriptionsPerSocket)`,
      );
    const entry = { kind: 'pending' as const, cancelled: false };
    this.subs.set(subId, entry);
    return entry;
  }

  private checkStillWanted(entry: { cancelled: boolean }): void {
    if (entry.cancelled || this.disposed || this.ctx.isClosed())
      throw new BridgeError('CLOSED', 'the subscription was cancelled before it opened');
  }
}

/** Calls an ack if the client sent one; a missing or throwing ack is ignored. */
function reply(ack: unknown, result: AckResult<unknown> | { ok: false; error: WireError }): void {
  if (typeof ack !== 'function') return;
  try {
    ack(result);
  } catch {
    // A broken ack must not take the socket down.
  }
}
