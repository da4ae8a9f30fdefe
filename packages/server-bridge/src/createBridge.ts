import {
  type ClientToServerEvents,
  DEFAULT_NAMESPACE,
  type ServerToClientEvents,
  type WireError,
} from '@mongo-live/protocol';
import type { MongoClient } from 'mongodb';
import type { Namespace, Server } from 'socket.io';
import type { Authorize } from './access/AccessPolicy.js';
import { ChangeFeeds } from './feed/ChangeFeeds.js';
import { type BridgeLimits, resolveLimits } from './limits.js';
import { LiveQueryService } from './live-query/LiveQueryService.js';
import { type BridgeSocket, Outbox } from './session/Outbox.js';
import { SocketSession } from './session/SocketSession.js';
import { defaultUserOf, UserBudgets, type UserOf } from './session/UserBudgets.js';
import { RequestValidator } from './validation/RequestValidator.js';

/**
 * What {@link createBridge} needs: the socket.io server, the driver and your authorization.
 *
 * @example
 * const options: BridgeOptions = { io, mongo, authorize, limits: { maxSubscriptionsPerSocket: 20 } };
 */
export interface BridgeOptions {
  /** The socket.io server; give it {@link RECOMMENDED_SERVER_HEARTBEAT} so dead connections end within 15 s. */
  io: Server;
  mongo: MongoClient;
  /** Required: decides every request. Use `allowAll` explicitly for demos. */
  authorize: Authorize;
  /** socket.io namespace; default '/mongo-live'. */
  namespace?: string;
  /** Overrides of {@link DEFAULT_LIMITS}. */
  limits?: Partial<BridgeLimits>;
  /**
   * Who a socket belongs to, for the per-user budgets (`maxSubscriptionsPerUser`,
   * `maxConcurrentReadsPerUser`, `maxQueuedReadsPerUser`). Called once per connection, after your
   * `io.use` middlewares. Default: {@link defaultUserOf} (`socket.data.userId`, else
   * `socket.data.user`, when a string or number); a socket without a user is budgeted on its own.
   */
  userOf?: UserOf;
}

/**
 * What a bridge holds right now, for dashboards and leak checks (`bridge.stats()`).
 *
 * @example
 * const { sockets, mongoStreams, liveQueries }: BridgeStats = bridge.stats();
 */
export interface BridgeStats {
  /** Connected sockets on the bridge's namespace. */
  sockets: number;
  /** Open watch + live-query subscriptions, over all sockets. */
  subscriptions: number;
  /** MongoDB change streams open (change feeds and catch-ups), for watch subscriptions and live queries. */
  mongoStreams: number;
  /** Change feeds running: one per watched scope and option family. */
  feeds: number;
  /** Distinct watch specs served (each evaluated once per event for all its subscribers). */
  watchGroups: number;
  /** Documents restricted streams remember having shown, over all streams (at most `maxShownDocuments`). */
  shownDocuments: number;
  /** Live queries running. */
  liveQueries: number;
}

/**
 * Options of {@link Bridge.close}.
 *
 * @example
 * await bridge.close({ drain: 10_000 }); // a rolling restart: clients move, then the node closes
 */
export interface CloseOptions {
  /**
   * Drain for up to this many milliseconds first: every socket is told `closing` with `graceMs`,
   * keeps being served while its client resumes on another node, and the bridge waits until all
   * have left; sockets still here at the deadline have their connection closed. New sockets are
   * told `closing` and refused from the start; the sockets still here keep being answered (a
   * request sent just before `closing` arrived must not fail). Default 0: close at once.
   */
  drain?: number;
}

/**
 * A running bridge, as {@link createBridge} returns it.
 *
 * @example
 * const bridge: Bridge = createBridge({ io, mongo, authorize });
 * process.on('SIGTERM', () => void bridge.close({ drain: 10_000 }));
 */
export interface Bridge {
  /**
   * Tells every socket the bridge is closing (`closing`), then closes every stream and live query.
   * With `drain`, waits first for the clients to move to another node (a rolling restart).
   * Idempotent: a second call returns the first one's promise.
   */
  close(options?: CloseOptions): Promise<void>;
  /** Sockets, subscriptions, MongoDB streams and live queries held now. */
  stats(): BridgeStats;
}

/**
 * Serves MongoDB change streams and live queries to socket.io clients on one namespace: validates
 * and authorizes every request, shares one MongoDB change stream among identical subscriptions,
 * enforces row filters and projections from `authorize`, and applies {@link BridgeLimits}.
 *
 * @example
 * const io = new Server(httpServer, { ...RECOMMENDED_SERVER_HEARTBEAT });
 * const mongo = await new MongoClient(process.env.MONGODB_URI!).connect();
 * const bridge = createBridge({ io, mongo, authorize: (req, socket) => req.db === 'shop' });
 * // later: await bridge.close();
 */
export function createBridge(options: BridgeOptions): Bridge {
  if (!options || typeof options !== 'object') throw new TypeError('createBridge: options are required');
  const { io, mongo, authorize } = options;
  if (typeof authorize !== 'function')
    throw new TypeError(
      'createBridge: `authorize` is required (a function deciding every request); pass `allowAll` explicitly to allow everything',
    );
  if (!io || typeof io.of !== 'function') throw new TypeError('createBridge: `io` must be a socket.io Server');
  if (!mongo || typeof mongo.db !== 'function') throw new TypeError('createBridge: `mongo` must be a MongoClient');
  const limits = resolveLimits(options.limits);
  const nsp = io.of(options.namespace ?? DEFAULT_NAMESPACE) as unknown as Namespace<
    ClientToServerEvents,
    ServerToClientEvents
  >;
  const sessions = new Map<string, SocketSession>();
  let closed = false;
  /** False from the start of close(): new sockets are sent away (a draining node still serves the others). */
  let accepting = true;
  let closing: Promise<void> | undefined;
  /** Wakes a draining close() when a socket leaves. */
  let onSessionGone: (() => void) | undefined;
  const queryRoom = (queryId: string) => `mongo-live:query:${queryId}`;

  const outbox = new Outbox(nsp, limits.maxQueueBytesPerSocket);
  const feeds = new ChangeFeeds({
    mongo,
    outbox,
    limits,
    onSubscriptionEnded: (socketId, subId) => sessions.get(socketId)?.forget(subId),
  });
  const liveQueries = new LiveQueryService({
    mongo,
    limits,
    feeds,
    emitUpdate: (queryId, update) =>
      outbox.toRoom(queryRoom(queryId), 'query:update', update, (socketId) =>
        sessions.get(socketId)?.queryOverflow(queryId),
      ),
    emitCount: (countId, update) =>
      outbox.toRoom(queryRoom(countId), 'count:update', update, (socketId) =>
        sessions.get(socketId)?.queryOverflow(countId),
      ),
    emitPages: (pagesId, update) =>
      outbox.toRoom(queryRoom(pagesId), 'pages:update', update, (socketId) =>
        sessions.get(socketId)?.queryOverflow(pagesId),
      ),
    emitError: (queryId, error: WireError) => {
      outbox.toRoom(queryRoom(queryId), 'query:error', { queryId, error });
      for (const session of sessions.values()) session.queryEnded(queryId);
    },
  });
  const validator = new RequestValidator(limits);
  if (options.userOf !== undefined && typeof options.userOf !== 'function')
    throw new TypeError('createBridge: `userOf` must be a function of the socket');
  const budgets = new UserBudgets(limits, options.userOf ?? defaultUserOf);
  const context = {
    authorize,
    budgets,
    validator,
    limits,
    feeds,
    outbox,
    liveQueries,
    queryRoom,
    isClosed: () => closed,
  };

  const onConnection = (socket: BridgeSocket) => {
    if (!accepting) {
      // Still answer: a request without an ack would otherwise hang forever.
      const error = { code: 'CLOSED', message: 'the bridge is closed' } as const;
      socket.emit('closing', { error, graceMs: 0 });
      socket.onAny((...args: unknown[]) => {
        const ack = args.at(-1);
        if (typeof ack === 'function') ack({ ok: false, error });
      });
      return;
    }
    sessions.set(socket.id, new SocketSession(socket, context));
    socket.on('disconnect', () => {
      sessions.delete(socket.id);
      onSessionGone?.();
    });
  };

  /** Resolves once every socket has left, or after `ms`. */
  const drained = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        onSessionGone = undefined;
        resolve();
      }
      onSessionGone = () => {
        if (sessions.size === 0) done();
      };
      onSessionGone();
    });
  nsp.on('connection', onConnection);

  return {
    close(options = {}) {
      closing ??= (async () => {
        const drain = Math.max(0, Number(options.drain) || 0);
        accepting = false;
        if (!drain) closed = true;
        const message = drain ? 'the bridge node is draining: resume on another node' : 'the bridge is shutting down';
        nsp.emit('closing', { error: { code: 'CLOSED', message }, graceMs: drain });
        if (drain > 0) {
          // Subscriptions keep flowing while their clients resume elsewhere: nothing falls in between.
          await drained(drain);
          closed = true;
          // Closing the connection (not a socket.io disconnect) makes any client reconnect by itself.
          for (const session of sessions.values()) session.socket.conn.close();
        }
        for (const session of sessions.values()) session.dispose();
        await liveQueries.close();
        feeds.closeAll();
      })();
      return closing;
    },
    stats() {
      let subscriptions = 0;
      for (const session of sessions.values()) subscriptions += session.subscriptionCount;
      return {
        sockets: sessions.size,
        subscriptions,
        mongoStreams: feeds.streams,
        feeds: feeds.size,
        watchGroups: feeds.groupCount,
        shownDocuments: feeds.shownLedger.documents,
        liveQueries: liveQueries.size,
      };
    },
  };
}
