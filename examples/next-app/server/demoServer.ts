import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { EmbeddedMongo } from '@mongo-live/embedded-mongo';
import { DEFAULT_NAMESPACE } from '@mongo-live/protocol';
import { createBridge, RECOMMENDED_SERVER_HEARTBEAT } from '@mongo-live/server-bridge';
import { MongoClient } from 'mongodb';
import next from 'next';
import { Server as SocketServer } from 'socket.io';
import { setDemoContext } from '../lib/demoContext.js';
import { authenticateSockets, createDemoAuthorize } from './authorize.js';
import { ensureDemoUser } from './defaultUser.js';
import { listenWithFallback } from './listen.js';
import { seedIfEmpty } from './seed.js';

export interface DemoServerOptions {
  /** Directory of the Next.js app. */
  dir: string;
  /** `next dev` instead of the production build in `.next/`. */
  dev: boolean;
  /** Preferred port; the next free one is used when it is taken. 0 picks any. */
  port: number;
  host: string;
  /** A replica set to use; when absent an embedded in-memory server is started. */
  mongoUri?: string;
  dbName: string;
  log?: (line: string) => void;
}

export interface DemoServer {
  url: string;
  port: number;
  mongoUri: string;
  embedded: boolean;
  /** True when the database was empty and got the sample data. */
  seeded: boolean;
  /** Closes the bridge (clients are told why), socket.io, Next, the driver and the embedded server. */
  close(): Promise<void>;
}

/** One process, one port: Next.js pages, server actions, socket.io and the mongo-live bridge. */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const log = options.log ?? console.log;
  // Session cookies are signed with this key (lib/session.ts); set it to keep sessions across restarts.
  process.env.DEMO_SESSION_SECRET ??= randomBytes(32).toString('hex');
  const embedded = options.mongoUri ? undefined : await EmbeddedMongo.start();
  const mongoUri = options.mongoUri ?? embedded!.uri;
  const mongo = new MongoClient(mongoUri, { serverSelectionTimeoutMS: 10_000 });
  let handle: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  let upgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void>) | undefined;
  const http = createServer((req, res) => {
    if (handle) {
      ensureDemoUser(req, res);
      void handle(req, res);
    } else res.writeHead(503, { 'retry-after': '1' }).end('Starting…');
  });
  try {
    await mongo.connect();
    const seeded = await seedIfEmpty(mongo.db(options.dbName));
    setDemoContext({ mongo, dbName: options.dbName, startedAt: Date.now() });

    // socket.io leaves upgrades of other paths alone (Next's dev server uses one for HMR). The
    // heartbeat settings end a silently dead connection within 15 s instead of socket.io's 45 s.
    const io = new SocketServer(http, { serveClient: false, destroyUpgrade: false, ...RECOMMENDED_SERVER_HEARTBEAT });
    authenticateSockets(io.of(DEFAULT_NAMESPACE));
    const bridge = createBridge({ io, mongo, authorize: createDemoAuthorize(options.dbName) });
    const port = await listenWithFallback(http, options.port, options.host, 20, log);

    const app = next({ dev: options.dev, dir: options.dir, hostname: options.host, port, webpack: true });
    await app.prepare();
    handle = app.getRequestHandler();
    upgrade = app.getUpgradeHandler();
    http.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket.io/')) void upgrade?.(req, socket, head);
    });

    const shownHost = options.host === '0.0.0.0' || options.host === '127.0.0.1' ? 'localhost' : options.host;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${shownHost}:${port}`,
      port,
      mongoUri,
      embedded: Boolean(embedded),
      seeded,
      close: () => {
        closing ??= (async () => {
          await bridge.close();
          await new Promise<void>((resolve) => {
            io.close(() => resolve()); // also closes the HTTP server
            http.closeAllConnections();
          });
          await app.close();
          setDemoContext(undefined);
          await mongo.close();
          await embedded?.stop();
        })();
        return closing;
      },
    };
  } catch (error) {
    http.close();
    await mongo.close().catch(() => undefined);
    await embedded?.stop();
    throw error;
  }
}
