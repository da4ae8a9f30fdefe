import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AckResult,
  type ChangeBatch,
  type ClientToServerEvents,
  DEFAULT_NAMESPACE,
  decode,
  type ServerToClientEvents,
} from '@mongo-live/protocol';
import { type Authorize, type Bridge, type BridgeLimits, createBridge } from '@mongo-live/server-bridge';
import type { CommandStartedEvent, Document, MongoClient } from 'mongodb';
import { Server } from 'socket.io';
import { type Socket as ClientSocket, io as connectClient } from 'socket.io-client';
import { startTestMongo, type TestMongo } from '../support/mongo.js';

export type TestSocket = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

/** Everything one bridge test file needs: a database, a bridge on loopback, client sockets. */
export interface Harness {
  mongo: TestMongo;
  /** The bridge's own MongoClient, with command monitoring on. */
  bridgeClient: MongoClient;
  io: Server;
  bridge: Bridge;
  port: number;
  /** Commands the bridge's client sent, in order. */
  commands: CommandStartedEvent[];
  /** Number of `aggregate` commands that opened a change stream. */
  changeStreamAggregates(): number;
  /** Connects a client socket; `setup` runs before the connection (to catch events sent on connect). */
  connect(options?: { auth?: Record<string, unknown>; setup?: (socket: TestSocket) => void }): Promise<TestSocket>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  authorize: Authorize;
  limits?: Partial<BridgeLimits>;
  /** socket.io maxHttpBufferSize. */
  maxHttpBufferSize?: number;
  /** Embedded server only: oplog entries kept. */
  oplogCapacity?: number;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const mongo = await startTestMongo({
    dbPrefix: 'bridge',
    ...(options.oplogCapacity === undefined ? {} : { oplogCapacity: options.oplogCapacity }),
  });
  const bridgeClient = await mongo.connect({ monitorCommands: true, appName: 'mongo-live-bridge' });
  const commands: CommandStartedEvent[] = [];
  bridgeClient.on('commandStarted', (event) => commands.push(event));
  const http: HttpServer = createServer();
  const io = new Server(http, { maxHttpBufferSize: options.maxHttpBufferSize ?? 1e6 });
  // The handshake `auth` becomes socket.data, as an app would do after checking a session.
  io.of(DEFAULT_NAMESPACE).use((socket, next) => {
    socket.data = { ...(socket.handshake.auth ?? {}) };
    next();
  });
  const bridge = createBridge({
    io,
    mongo: bridgeClient,
    authorize: options.authorize,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const sockets: TestSocket[] = [];
  return {
    mongo,
    bridgeClient,
    io,
    bridge,
    port,
    commands,
    changeStreamAggregates: () =>
      commands.filter((c) => c.commandName === 'aggregate' && c.command.pipeline?.[0]?.$changeStream).length,
    async connect(connectOptions = {}) {
      const socket: TestSocket = connectClient(`http://127.0.0.1:${port}${DEFAULT_NAMESPACE}`, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: connectOptions.auth ?? {},
      });
      sockets.push(socket);
      connectOptions.setup?.(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return socket;
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await bridge.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await mongo.close();
    },
  };
}

/** Emits a request and resolves with its ack. */
export function request<E extends keyof ClientToServerEvents>(
  socket: TestSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<AckResult<Document>> {
  return new Promise((resolve) => {
    (socket.emit as (...args: unknown[]) => void)(event, payload, (result: AckResult<Document>) => resolve(result));
  });
}

/** Subscribes and fails the test unless the bridge accepted. */
export async function watch(
  socket: TestSocket,
  subId: string,
  target: { db?: string; collection?: string },
  extra: { pipeline?: Document[]; options?: Document } = {},
): Promise<{ subId: string; streamId: string; resumeToken?: Document }> {
  const result = await request(socket, 'watch', { v: 1, subId, target, ...extra });
  if (!result.ok) throw new Error(`watch ${subId} refused: ${result.error.code} ${result.error.message}`);
  return result.data as { subId: string; streamId: string; resumeToken?: Document };
}

/** Records every `change` batch a socket receives, decoded, per stream. */
export class Recorder {
  readonly batches: ChangeBatch[] = [];
  readonly streamErrors: Document[] = [];
  readonly subErrors: Document[] = [];
  readonly closing: Document[] = [];

  constructor(socket: TestSocket) {
    socket.on('change', (batch) => this.batches.push(batch));
    socket.on('stream:error', (m) => this.streamErrors.push(m));
    socket.on('sub:error', (m) => this.subErrors.push(m));
    socket.on('closing', (m) => this.closing.push(m));
  }

  /** Decoded events of one stream, in order. */
  events(streamId: string): Document[] {
    return this.batches.filter((b) => b.streamId === streamId).flatMap((b) => b.events.map((e) => decode<Document>(e)));
  }
}

/** Waits until `check` returns true (polling); fails with `what` after a generous while. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets in-flight messages arrive (used before asserting that something did NOT arrive). */
export function settle(ms = 300): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
