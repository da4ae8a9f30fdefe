import { DEFAULT_NAMESPACE, decode, type QuerySpec, type WatchTarget } from '@mongo-live/protocol';
import type { Document, Filter, Sort, WithId } from 'mongodb';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { ChangeStream } from './change-stream/ChangeStream.js';
import type { WatchOptions } from './change-stream/watchOptions.js';
import { LiveError } from './LiveError.js';
import { LiveCount } from './live-count/LiveCount.js';
import { LivePages } from './live-pages/LivePages.js';
import { LiveQuery } from './live-query/LiveQuery.js';
import { type QueryOptions, querySpecOf } from './querySpec.js';
import type { HeartbeatOptions } from './transport/Heartbeat.js';
import type { ConnectionStatus, LiveTransport } from './transport/LiveTransport.js';
import { type LiveSocket, SocketTransport } from './transport/SocketTransport.js';

/**
 * Options of {@link createLiveClient}.
 *
 * @example
 * createLiveClient({ url: 'https://api.example.com', auth: { token } });
 */
export interface LiveClientOptions {
  /** Server origin; default: same origin as the page. */
  url?: string;
  /** Bring your own socket (already pointing at the bridge's namespace); `close()` leaves it open. */
  // biome-ignore lint/suspicious/noExplicitAny: any socket.io-client socket is accepted, whatever its event maps
  socket?: Socket<any, any>;
  /** Namespace of the bridge; default '/mongo-live'. Ignored with `socket`. */
  namespace?: string;
  /** Sent in the socket.io handshake (`socket.handshake.auth` on the server). Ignored with `socket`. */
  auth?: Record<string, unknown>;
  /** Extra socket.io-client options (reconnection delays, transports...). Ignored with `socket`. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /**
   * Liveness check: after a few seconds without an answer from the bridge the status turns
   * 'stale' (see {@link HeartbeatOptions}); `false` turns it off. Applies to `socket` too.
   */
  heartbeat?: HeartbeatOptions | false;
}

/**
 * The entry point: one socket to the bridge, any number of change streams and live queries on it.
 *
 * @example
 * const live = createLiveClient();
 * const stream = live.db('shop').collection('orders').watch();
 */
export interface LiveClient {
  db(name: string): LiveDb;
  /** Watches the whole deployment (the bridge's `authorize` must allow it). */
  watch<T extends Document = Document>(pipeline?: Document[], options?: WatchOptions): ChangeStream<T>;
  readonly status: ConnectionStatus;
  /** Calls `listener` on every status change; returns the unsubscribe function. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Closes every stream of this client and the socket (unless it was brought in `options.socket`). */
  close(): Promise<void>;
  /**
   * The connection every stream and query of this client shares, for integrations that build
   * their own subscriptions on it (e.g. `new LiveQuery(live.transport, spec)` in @mongo-live/react).
   */
  readonly transport: LiveTransport;
}

/**
 * One database.
 *
 * @example
 * const stream = live.db('shop').watch([{ $match: { 'ns.coll': { $in: ['orders', 'users'] } } }]);
 */
export interface LiveDb {
  readonly name: string;
  collection<T extends Document = Document>(name: string): LiveCollection<T>;
  /** Watches every collection of the database. */
  watch<T extends Document = Document>(pipeline?: Document[], options?: WatchOptions): ChangeStream<T>;
}

/**
 * Options of `livePages()`: the sort (an `_id` tiebreak is added), the page size, a projection.
 *
 * @example
 * products.livePages({}, { sort: { price: -1 }, pageSize: 50, projection: { name: 1, price: 1 } });
 */
export interface LivePagesOptions {
  sort?: Sort;
  pageSize: number;
  projection?: Document;
}

/**
 * One collection.
 *
 * @example
 * const books = await live.db('shop').collection('products').find({ category: 'books' }, { sort: { price: 1 } });
 */
export interface LiveCollection<T extends Document = Document> {
  readonly dbName: string;
  readonly collectionName: string;
  watch(pipeline?: Document[], options?: WatchOptions): ChangeStream<T>;
  /** A one-off authorized `find()`: the same result (sort with an `_id` tiebreak, skip, limit, projection) as a live query's first snapshot. */
  find(filter?: Filter<T>, options?: QueryOptions): Promise<WithId<T>[]>;
  /** A `find()` result that stays current. */
  liveQuery(filter?: Filter<T>, options?: QueryOptions): LiveQuery<T>;
  /**
   * The number of documents matching `filter` (and your row filter on the bridge), kept exact.
   *
   * @example
   * const open = orders.liveCount({ status: 'open' });
   * open.subscribe(() => console.log(open.getSnapshot().count));
   */
  liveCount(filter?: Filter<T>): LiveCount;
  /**
   * A query's result in live pages of `pageSize` (keyset boundaries), each loaded page live.
   *
   * @example
   * const pages = products.livePages({ inStock: true }, { sort: { price: 1 }, pageSize: 50 });
   * await pages.fetchNextPage();
   */
  livePages(filter: Filter<T> | undefined, options: LivePagesOptions): LivePages<T>;
}

/**
 * Creates a client: one socket.io socket to the bridge (`url` + `namespace`), reconnecting by itself.
 *
 * @example
 * import { createLiveClient } from '@mongo-live/client';
 * const live = createLiveClient({ url: 'http://localhost:3000' });
 * for await (const change of live.db('shop').collection('orders').watch()) console.log(change);
 */
export function createLiveClient(options: LiveClientOptions = {}): LiveClient {
  const owns = options.socket === undefined;
  const socket = (options.socket ?? openSocket(options)) as LiveSocket;
  const transport = new SocketTransport(socket, {
    ownsSocket: owns,
    ...(options.heartbeat !== undefined ? { heartbeat: options.heartbeat } : {}),
  });
  return liveClientOver(transport, () => transport.close());
}

/**
 * A LiveClient over any transport: the socket one of {@link createLiveClient}, or the in-memory
 * bridge of `@mongo-live/client/testing`. `closeTransport` runs once, after every stream closed.
 *
 * @example
 * const live = liveClientOver(transport, () => transport.close());
 */
export function liveClientOver(transport: LiveTransport, closeTransport: () => void): LiveClient {
  const streams = new Set<ChangeStream<Document>>();
  let closed = false;

  const watch = <T extends Document>(target: WatchTarget, pipeline?: Document[], o?: WatchOptions) => {
    const stream = new ChangeStream<T>(transport, target, pipeline, o);
    if (closed) {
      void stream.close();
      return stream;
    }
    const s = stream as unknown as ChangeStream<Document>;
    streams.add(s);
    const forget = () => {
      streams.delete(s);
      stream.off('close', forget);
    };
    stream.on('close', forget);
    return stream;
  };

  const collection = <T extends Document>(dbName: string, collectionName: string): LiveCollection<T> => ({
    dbName,
    collectionName,
    watch: (pipeline, o) => watch<T>({ db: dbName, collection: collectionName }, pipeline, o),
    find: async (filter, o) => {
      const { docs } = await findRetrying(transport, querySpecOf(dbName, collectionName, filter, o));
      return docs.map((d) => decode<WithId<T>>(d));
    },
    liveQuery: (filter, o) => new LiveQuery<T>(transport, querySpecOf(dbName, collectionName, filter, o)),
    liveCount: (filter) => new LiveCount(transport, querySpecOf(dbName, collectionName, filter)),
    livePages: (filter, o) => {
      const { pageSize, ...query } = o;
      return new LivePages<T>(transport, { ...querySpecOf(dbName, collectionName, filter, query), pageSize });
    },
  });

  return {
    transport,
    db: (name) => ({
      name,
      collection: <T extends Document = Document>(coll: string) => collection<T>(name, coll),
      watch: (pipeline, o) => watch({ db: name }, pipeline, o),
    }),
    watch: (pipeline, o) => watch({}, pipeline, o),
    get status() {
      return transport.status;
    },
    onStatus: (listener) => transport.onStatus(listener),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...streams].map((s) => s.close()));
      closeTransport();
    },
  };
}

/** How many times a `find` lost with its connection is sent again. */
const FIND_ATTEMPTS = 3;

/**
 * A `find` is a read: when its connection drops before the answer (a node restarting, moving to
 * another one), it is sent again once the transport is back, instead of failing with DISCONNECTED.
 */
async function findRetrying(transport: LiveTransport, spec: QuerySpec) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transport.request('find', spec);
    } catch (error) {
      if (!(error instanceof LiveError) || error.code !== 'DISCONNECTED' || attempt >= FIND_ATTEMPTS) throw error;
    }
  }
}

function openSocket(options: LiveClientOptions): Socket {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const path = namespace.startsWith('/') ? namespace : `/${namespace}`;
  const url = options.url ? `${options.url.replace(/\/+$/, '')}${path}` : path;
  // forceNew: one connection per client, so closing one client never affects another.
  return io(url, { ...options.socketOptions, forceNew: true, ...(options.auth ? { auth: options.auth } : {}) });
}
