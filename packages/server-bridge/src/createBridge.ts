import {
  type ClientToServerEvents,
  DEFAULT_NAMESPACE,
  type ServerToClientEvents,
  type WireError,
} from '@mongo-live/protocol';
import type { MongoClient } from 'mongodb';
import type { Namespace, Server } from 'socket.io';
import type { Authorize } from './AccessPolicy.js';
import { type BridgeSocket, ChangeStreamMultiplexer } from './ChangeStreamMultiplexer.js';
import { type BridgeLimits, resolveLimits } from './limits.js';
import { createLiveQueryService } from './live-query/index.js';
import { RequestValidator } from './RequestValidator.js';
import { SocketSession } from './SocketSession.js';

export interface BridgeOptions {
  io: Server;
  mongo: MongoClient;
  /** Required: decides every request. Use `allowAll` explicitly for demos. */
  authorize: Authorize;
  /** socket.io namespace; default '/mongo-live'. */
  namespace?: string;
  limits?: Partial<BridgeLimits>;
}

export interface BridgeStats {
  /** Connected sockets on the bridge's namespace. */
  sockets: number;
  /** Open watch + live-query subscriptions, over all sockets. */
  subscriptions: number;
  /** MongoDB change streams open for `watch` subscriptions. */
  mongoStreams: number;
  /** Live queries running. */
  liveQueries: number;
}

export interface Bridge {
  /** Tells every socket the bridge is closing (`closing`), then closes every stream and live query. */
  close(): Promise<void>;
  stats(): BridgeStats;
}

/**
 * Serves MongoDB change streams and live queries to socket.io clients on one namespace: validates
 * and authorizes every request, shares one MongoDB change stream among identical subscriptions,
 * enforces row filters and projections from `authorize`, and applies {@link BridgeLimits}.
 *
 * @example
 * const io = new Server(httpServer);
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
  const queryRoom = (queryId: string) => `mongo-live:query:${queryId}`;

  const streams = new ChangeStreamMultiplexer({
    mongo,
    nsp,
    batchSize: limits.batchSize,
    maxQueueBytesPerSocket: limits.maxQueueBytesPerSocket,
    onSubscriptionEnded: (socketId, subId) => sessions.get(socketId)?.forget(subId),
  });
  const liveQueries = createLiveQueryService({
    mongo,
    limits,
    emitUpdate: (queryId, update) => nsp.to(queryRoom(queryId)).emit('query:update', update),
    emitError: (queryId, error: WireError) => {
      nsp.to(queryRoom(queryId)).emit('query:error', { queryId, error });
      for (const session of sessions.values()) session.queryEnded(queryId);
    },
  });
  const validator = new RequestValidator(limits);
  const context = {
    authorize,
    validator,
    limits,
    streams,
    liveQueries,
    queryRoom,
    isClosed: () => closed,
  };

  const onConnection = (socket: BridgeSocket) => {
    if (closed) {
      // Still answer: a request without an ack would otherwise hang forever.
      const error = { code: 'CLOSED', message: 'the bridge is closed' } as const;
      socket.emit('closing', { error });
      socket.onAny((...args: unknown[]) => {
        const ack = args.at(-1);
        if (typeof ack === 'function') ack({ ok: false, error });
      });
      return;
    }
    sessions.set(socket.id, new SocketSession(socket, context));
    socket.on('disconnect', () => sessions.delete(socket.id));
  };
  nsp.on('connection', onConnection);

  return {
    async close() {
      if (closed) return;
      closed = true;
      nsp.emit('closing', { error: { code: 'CLOSED', message: 'the bridge is shutting down' } });
      for (const session of sessions.values()) session.dispose();
      await Promise.all([streams.closeAll(), liveQueries.close()]);
    },
    stats() {
      let subscriptions = 0;
      for (const session of sessions.values()) subscriptions += session.subscriptionCount;
      return { sockets: sessions.size, subscriptions, mongoStreams: streams.size, liveQueries: liveQueries.size };
    },
  };
}
