import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLiveClient, type LiveClient } from '@mongo-live/client';
import { allowAll, type Bridge, type BridgeLimits, createBridge } from '@mongo-live/server-bridge';
import { MongoClient, type MongoClientOptions } from 'mongodb';
import { Server } from 'socket.io';
import { startEmbeddedProcess } from './processes.js';

/** HTTP + socket.io + the bridge over `uri`, on loopback: what an app runs. */
export interface LiveStack {
  url: string;
  http: HttpServer;
  io: Server;
  bridge: Bridge;
  mongo: MongoClient;
  close(): Promise<void>;
}

export async function startLiveStack(
  uri: string,
  limits: Partial<BridgeLimits> = {},
  mongoOptions: MongoClientOptions = {},
): Promise<LiveStack> {
  const mongo = await new MongoClient(uri, mongoOptions).connect();
  const http = createServer();
  const io = new Server(http, { maxHttpBufferSize: 1e7 });
  const bridge = createBridge({ io, mongo, authorize: allowAll, limits });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    http,
    io,
    bridge,
    mongo,
    async close() {
      await bridge.close();
      io.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await mongo.close();
    },
  };
}

/**
 * What a delivery benchmark measures with: an embedded server in its own process, the live stack
 * over it, a writer, a watcher (the driver's own `watch()`, the floor) and a client through the bridge.
 */
export interface DeliveryRig {
  /** The database's URI. */
  uri: string;
  stack: LiveStack;
  writer: MongoClient;
  watcher: MongoClient;
  live: LiveClient;
  close(): Promise<void>;
}

export async function startDeliveryRig(mongoOptions: MongoClientOptions = {}): Promise<DeliveryRig> {
  const db = await startEmbeddedProcess();
  const stack = await startLiveStack(db.uri, {}, mongoOptions);
  const writer = await new MongoClient(db.uri).connect();
  const watcher = await new MongoClient(db.uri, mongoOptions).connect();
  const live = createLiveClient({ url: stack.url, socketOptions: { transports: ['websocket'] } });
  return {
    uri: db.uri,
    stack,
    writer,
    watcher,
    live,
    async close() {
      await live.close();
      await writer.close();
      await watcher.close();
      await stack.close();
      await db.stop();
    },
  };
}
