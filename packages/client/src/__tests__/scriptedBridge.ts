// Test support: a real socket.io server on loopback whose handlers a test scripts, playing the
// bridge's part of the protocol before (or besides) the real bridge. Not a mock: real sockets.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AckResult,
  type ClientToServerEvents,
  DEFAULT_NAMESPACE,
  type EJSONDocument,
  encode,
  type ServerToClientEvents,
  type WatchAccepted,
  type WatchRequest,
  type WireError,
} from '@mongo-live/protocol';
import { ObjectId, Timestamp } from 'bson';
import { Server, type Socket } from 'socket.io';
import { afterEach, beforeEach } from 'vitest';
import { createLiveClient, type LiveClient } from '../LiveClient.js';

export type BridgeSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface ReceivedWatch {
  socket: BridgeSocket;
  request: WatchRequest;
}

/** Decides the ack of a `watch`; default: accepted on stream 'stream-1' at token 'tok-0'. */
export type WatchHandler = (request: WatchRequest, socket: BridgeSocket) => AckResult<WatchAccepted> | undefined;

export interface ScriptedBridge {
  url: string;
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  watches: ReceivedWatch[];
  unsubscribes: string[];
  onWatch: WatchHandler;
  /** Resolves with the n-th (1-based) watch request once it arrived. */
  watchNumber(n: number): Promise<ReceivedWatch>;
  /** Resolves once `count` unsubscribes arrived. */
  unsubscribed(count: number): Promise<void>;
  /** Sends a batch to the room of `streamId`. */
  send(streamId: string, events: EJSONDocument[], postBatchResumeToken?: EJSONDocument): void;
  /** Drops the transport of every connected socket (a real connection loss, not a server-side kick). */
  dropConnections(): void;
  close(): Promise<void>;
}

/** Token `{ _data: 'tok-<n>' }` in wire form (zero-padded so tokens sort like positions). */
export const token = (n: number): EJSONDocument => ({ _data: `tok-${String(n).padStart(6, '0')}` });

/** An insert event with token n, in wire form: real ObjectId, Date and Timestamp in EJSON. */
export function insertEvent(n: number, coll = 'c'): EJSONDocument {
  const _id = new ObjectId();
  return encode({
    _id: { _data: `tok-${String(n).padStart(6, '0')}` },
    operationType: 'insert',
    clusterTime: new Timestamp({ t: 1_700_000_000 + n, i: 1 }),
    wallTime: new Date(1_700_000_000_000 + n),
    ns: { db: 'db', coll },
    documentKey: { _id },
    fullDocument: { _id, n, at: new Date(1_700_000_000_000 + n) },
  }) as EJSONDocument;
}

/** Starts a scripted bridge on 127.0.0.1, port 0. */
export async function startScriptedBridge(): Promise<ScriptedBridge> {
  const http = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const watchWaiters: Array<() => void> = [];
  const notify = () => {
    for (const w of watchWaiters.splice(0)) w();
  };
  const bridge: ScriptedBridge = {
    url: `http://127.0.0.1:${port}`,
    io,
    watches: [],
    unsubscribes: [],
    onWatch: () => ({ ok: true, data: { subId: '', streamId: 'stream-1', resumeToken: token(0) } }),
    async watchNumber(n) {
      while (bridge.watches.length < n) await new Promise<void>((r) => watchWaiters.push(r));
      return bridge.watches[n - 1] as ReceivedWatch;
    },
    async unsubscribed(count) {
      while (bridge.unsubscribes.length < count) await new Promise<void>((r) => watchWaiters.push(r));
    },
    send(streamId, events, postBatchResumeToken) {
      io.of(DEFAULT_NAMESPACE)
        .to(streamId)
        .emit('change', { streamId, events, ...(postBatchResumeToken ? { postBatchResumeToken } : {}) });
    },
    dropConnections() {
      for (const socket of io.of(DEFAULT_NAMESPACE).sockets.values()) socket.conn.close();
    },
    async close() {
      io.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  io.of(DEFAULT_NAMESPACE).on('connection', (socket) => {
    socket.on('watch', (request, ack) => {
      bridge.watches.push({ socket, request });
      const result = bridge.onWatch(request, socket);
      if (result?.ok) {
        const data = { ...result.data, subId: request.subId };
        socket.join(data.streamId);
        ack({ ok: true, data });
      } else if (result) ack(result);
      notify();
    });
    socket.on('unsubscribe', (request, ack) => {
      bridge.unsubscribes.push(request.subId);
      ack({ ok: true, data: null });
      notify();
    });
  });
  return bridge;
}

/** A wire error. */
export const wireError = (code: WireError['code'], message: string = code): WireError => ({ code, message });

/**
 * Before each test: a scripted bridge and a LiveClient on it, handed to `use`; after it, both closed.
 *
 * @example
 * let bridge: ScriptedBridge;
 * let live: LiveClient;
 * withScriptedBridge((b, l) => { bridge = b; live = l; });
 */
export function withScriptedBridge(use: (bridge: ScriptedBridge, live: LiveClient) => void): void {
  let current: { bridge: ScriptedBridge; live: LiveClient } | undefined;
  beforeEach(async () => {
    const bridge = await startScriptedBridge();
    current = { bridge, live: createLiveClient({ url: bridge.url }) };
    use(current.bridge, current.live);
  });
  afterEach(async () => {
    await current?.live.close();
    await current?.bridge.close();
  });
}
