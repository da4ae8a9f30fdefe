import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLiveClient, type LiveClient } from '@mongo-live/client';
import { DEFAULT_NAMESPACE } from '@mongo-live/protocol';
import { type Authorize, allowAll, type Bridge, type BridgeLimits, createBridge } from '@mongo-live/server-bridge';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll } from 'vitest';
import { startTestMongo, type TestMongo } from './mongo.js';

/** Options of {@link startLiveServer}. */
export interface LiveServerOptions {
  /** Access policy of the bridge; default `allowAll`. */
  authorize?: Authorize;
  limits?: Partial<BridgeLimits>;
  /** Namespace of the bridge; default '/mongo-live'. */
  namespace?: string;
  /** Use this database instead of starting one (it is then not closed by `close()`). */
  mongo?: TestMongo;
  /** Prefix of the test database name. */
  dbPrefix?: string;
}

/** A real mongo-live server for a test: HTTP + socket.io + the bridge over a test MongoDB, on loopback. */
export interface LiveServer {
  /** Origin to give `createLiveClient({ url })`, e.g. http://127.0.0.1:PORT. */
  readonly url: string;
  readonly http: HttpServer;
  readonly io: Server;
  readonly bridge: Bridge;
  readonly mongo: TestMongo;
  /** Drops the transport of every socket on the bridge's namespace (a real connection loss; clients reconnect). */
  dropConnections(): number;
  /** Closes the bridge, socket.io, the HTTP server and (unless given) the database. */
  close(): Promise<void>;
}

/**
 * Starts HTTP + socket.io + `createBridge` on 127.0.0.1, port 0, over `startTestMongo()`.
 *
 * @example
 * let server: LiveServer;
 * beforeAll(async () => { server = await startLiveServer(); });
 * afterAll(() => server.close());
 * it('watches', async () => { const live = createLiveClient({ url: server.url }); ... });
 */
export async function startLiveServer(options: LiveServerOptions = {}): Promise<LiveServer> {
  const ownsMongo = options.mongo === undefined;
  const mongo = options.mongo ?? (await startTestMongo(options.dbPrefix ? { dbPrefix: options.dbPrefix } : {}));
  const http = createServer();
  const io = new Server(http);
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const bridge = createBridge({
    io,
    mongo: mongo.client,
    authorize: options.authorize ?? allowAll,
    namespace,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    http,
    io,
    bridge,
    mongo,
    dropConnections() {
      const sockets = [...io.of(namespace).sockets.values()];
      for (const socket of sockets) socket.conn.close();
      return sockets.length;
    },
    async close() {
      await bridge.close();
      io.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      if (ownsMongo) await mongo.close();
    },
  };
}

/**
 * One live server for the whole test file: started in beforeAll, closed in afterAll. Read it
 * inside tests, once started.
 *
 * @example
 * const fixture = setUpLiveServer();
 * it('serves', async () => { const live = createLiveClient({ url: fixture.server.url }); ... });
 */
export function setUpLiveServer(options: LiveServerOptions = {}): { readonly server: LiveServer } {
  let server: LiveServer | undefined;
  beforeAll(async () => {
    server = await startLiveServer(options);
  });
  afterAll(() => server?.close());
  return {
    get server() {
      if (server === undefined) throw new Error('the live server starts in beforeAll');
      return server;
    },
  };
}

/** What {@link setUpLiveStack} gives a test file: its server and one client on it. */
export interface LiveStack {
  readonly server: LiveServer;
  readonly live: LiveClient;
}

/**
 * One live server and one client on it for the whole test file: started in beforeAll, closed in
 * afterAll (the client first). Read them inside tests, once started.
 *
 * @example
 * const stack = setUpLiveStack();
 * it('counts', async () => { const q = stack.live.db(stack.server.mongo.dbName).collection('c').liveCount(); ... });
 */
export function setUpLiveStack(options: LiveServerOptions = {}): LiveStack {
  const fixture = setUpLiveServer(options);
  let live: LiveClient | undefined;
  beforeAll(() => {
    live = createLiveClient({ url: fixture.server.url });
  });
  afterAll(async () => {
    await live?.close();
  });
  return {
    get server() {
      return fixture.server;
    },
    get live() {
      if (live === undefined) throw new Error('the live stack starts in beforeAll');
      return live;
    },
  };
}

/** A client over a socket of its own, which a test can `disconnect()` and `connect()` for real. */
export interface LiveViewer {
  socket: Socket;
  live: LiveClient;
}

/**
 * Opens a {@link LiveViewer} on `server` (websocket only, like a browser behind a proxy that
 * keeps it).
 *
 * @example
 * const v = openViewer(server);
 * v.socket.disconnect(); // a real connection loss; v.live resubscribes after v.socket.connect()
 */
export function openViewer(server: LiveServer): LiveViewer {
  const socket = io(`${server.url}/mongo-live`, { transports: ['websocket'] });
  return { socket, live: createLiveClient({ socket }) };
}
