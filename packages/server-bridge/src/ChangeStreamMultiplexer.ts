import type {
  ChangeBatch,
  ClientToServerEvents,
  EJSONDocument,
  ServerToClientEvents,
  WireError,
} from '@mongo-live/protocol';
import type { MongoClient } from 'mongodb';
import type { Namespace, Socket } from 'socket.io';
import { BridgeError } from './errors.js';
import { queuedBytes } from './queuedBytes.js';
import { SharedStream, type StreamSpec } from './SharedStream.js';

export type BridgeNamespace = Namespace<ClientToServerEvents, ServerToClientEvents>;
export type BridgeSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface MultiplexerOptions {
  mongo: MongoClient;
  nsp: BridgeNamespace;
  batchSize: number;
  maxQueueBytesPerSocket: number;
  /** The bridge ended a subscription (stream error, queue overflow): its session must forget it. */
  onSubscriptionEnded(socketId: string, subId: string): void;
}

/**
 * Shares MongoDB change streams among subscriptions: one stream per distinct key (scope, effective
 * pipeline, options, access decision), whatever the number of sockets and subscriptions on it.
 * Each stream has a socket.io room; batches go to the room once. A stream closes when its last
 * subscription leaves.
 *
 * @example
 * const mux = new ChangeStreamMultiplexer({ mongo, nsp, batchSize: 100, maxQueueBytesPerSocket: 8e6, onSubscriptionEnded });
 * const { streamId, resumeToken } = await mux.subscribe(socket, 'sub-1', spec, true);
 */
export class ChangeStreamMultiplexer {
  private readonly byKey = new Map<string, SharedStream>();
  private readonly byId = new Map<string, SharedStream>();

  constructor(private readonly options: MultiplexerOptions) {}

  /** MongoDB change streams open (or opening). */
  get size(): number {
    return this.byId.size;
  }

  /**
   * Adds a subscription: joins the shared stream for `spec.key` (or opens it) and its room, then
   * waits until MongoDB accepted the stream. `shared: false` always opens a private stream (a client
   * resuming from its own token must not skip or repeat events of a stream already running).
   */
  async subscribe(
    socket: BridgeSocket,
    subId: string,
    spec: StreamSpec,
    shared: boolean,
  ): Promise<{ streamId: string; resumeToken?: EJSONDocument }> {
    let stream = shared ? this.byKey.get(spec.key) : undefined;
    if (!stream) {
      stream = new SharedStream(spec, {
        mongo: this.options.mongo,
        batchSize: this.options.batchSize,
        emitBatch: (s, batch) => this.emitBatch(s, batch),
        ended: (s, error) => this.ended(s, error),
      });
      if (shared) this.byKey.set(spec.key, stream);
      this.byId.set(stream.id, stream);
    }
    const subKey = `${socket.id}:${subId}`;
    stream.subscribers.set(subKey, { socketId: socket.id, subId });
    // Join BEFORE the ack: every batch sent after the ack's position reaches this socket.
    await socket.join(stream.room);
    try {
      await stream.open();
    } catch (error) {
      this.detach(stream, socket, subId);
      throw error;
    }
    if (stream.isClosed || !stream.subscribers.has(subKey)) {
      this.detach(stream, socket, subId);
      throw new BridgeError('CLOSED', 'the stream ended before the subscription was acknowledged');
    }
    const accepted: { streamId: string; resumeToken?: EJSONDocument } = { streamId: stream.id };
    const position = stream.position;
    if (position) accepted.resumeToken = position;
    return accepted;
  }

  /** Removes a subscription; the socket leaves the room when it has no other subscription on it. */
  unsubscribe(socket: BridgeSocket, subId: string, streamId: string): void {
    const stream = this.byId.get(streamId);
    if (stream) this.detach(stream, socket, subId);
  }

  private detach(stream: SharedStream, socket: BridgeSocket, subId: string): void {
    stream.subscribers.delete(`${socket.id}:${subId}`);
    if (![...stream.subscribers.values()].some((s) => s.socketId === socket.id)) void socket.leave(stream.room);
    if (stream.subscribers.size === 0 && this.byId.get(stream.id) === stream) this.drop(stream);
    else if (stream.subscribers.size === 0) void stream.close();
  }

  /** Closes every stream without notifying anyone (the bridge tells clients it is closing). */
  async closeAll(): Promise<void> {
    const streams = [...this.byId.values()];
    this.byId.clear();
    this.byKey.clear();
    await Promise.all(streams.map((s) => s.close()));
  }

  private drop(stream: SharedStream): void {
    this.byId.delete(stream.id);
    if (this.byKey.get(stream.spec.key) === stream) this.byKey.delete(stream.spec.key);
    void stream.close();
  }

  private emitBatch(stream: SharedStream, batch: ChangeBatch): void {
    const { nsp, maxQueueBytesPerSocket } = this.options;
    // A socket whose outbound queue overflows loses its subscriptions on this stream, loudly: its
    // client resumes from its last token, so nothing is lost, and memory stays bounded.
    const bySocket = new Map<string, string[]>();
    for (const { socketId, subId } of stream.subscribers.values()) {
      const list = bySocket.get(socketId);
      if (list) list.push(subId);
      else bySocket.set(socketId, [subId]);
    }
    for (const [socketId, subIds] of bySocket) {
      const socket = nsp.sockets.get(socketId);
      if (!socket || queuedBytes(socket) <= maxQueueBytesPerSocket) continue;
      void socket.leave(stream.room);
      for (const subId of subIds) {
        stream.subscribers.delete(`${socketId}:${subId}`);
        socket.emit('sub:error', {
          subId,
          error: {
            code: 'LIMIT_EXCEEDED',
            message: `the socket's outbound queue exceeded maxQueueBytesPerSocket (${maxQueueBytesPerSocket} bytes); resume from your last token`,
          },
        });
        this.options.onSubscriptionEnded(socketId, subId);
      }
    }
    if (stream.subscribers.size === 0) {
      this.drop(stream);
      return;
    }
    nsp.to(stream.room).emit('change', batch);
  }

  private ended(stream: SharedStream, error: WireError): void {
    const { nsp } = this.options;
    this.byId.delete(stream.id);
    if (this.byKey.get(stream.spec.key) === stream) this.byKey.delete(stream.spec.key);
    // Not yet acknowledged: the openers get the error in their acks instead.
    if (!stream.isReady) return;
    nsp.to(stream.room).emit('stream:error', { streamId: stream.id, error });
    const subs = [...stream.subscribers.values()];
    stream.subscribers.clear();
    for (const { socketId, subId } of subs) {
      void nsp.sockets.get(socketId)?.leave(stream.room);
      this.options.onSubscriptionEnded(socketId, subId);
    }
  }
}
