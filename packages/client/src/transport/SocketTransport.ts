import {
  type AckData,
  type AckResult,
  type ClientToServerEvents,
  type ClosingMessage,
  PROTOCOL_VERSION,
  type ServerToClientEvents,
} from '@mongo-live/protocol';
import type { Socket } from 'socket.io-client';
import { LiveError } from '../LiveError.js';
import { Subscribable } from '../Subscribable.js';
import { Heartbeat, type HeartbeatOptions } from './Heartbeat.js';
import type { ConnectionStatus, LiveTransport, RequestPayload } from './LiveTransport.js';

/**
 * The socket a transport runs on: typed with the protocol's event maps.
 *
 * @example
 * const socket = io('/mongo-live') as LiveSocket;
 */
export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Options of {@link SocketTransport}.
 *
 * @example
 * new SocketTransport(socket, { ownsSocket: true });
 */
export interface SocketTransportOptions {
  /** When true (a socket the client created itself), `close()` disconnects it. Default false. */
  ownsSocket?: boolean;
  /** Liveness check ('stale' status) settings; `false` turns it off. Default {@link DEFAULT_HEARTBEAT}. */
  heartbeat?: HeartbeatOptions | false;
}

/**
 * {@link LiveTransport} over one socket.io-client socket: adds the protocol version to every
 * request, turns acks into promises, waits for the connection before sending, and rejects
 * requests that were in flight when the connection dropped with `DISCONNECTED` (socket.io
 * never calls the ack of a packet lost with its connection). When the bridge says it is
 * `closing` (a graceful shutdown or a rolling restart), the transport leaves that node: it drops
 * the connection and lets socket.io reconnect with its backoff, to whichever node the load
 * balancer picks; every subscription then resumes there, as after any connection loss.
 * Internal: `LiveClient.transport` is typed as the {@link LiveTransport} interface.
 *
 * @example
 * const transport = new SocketTransport(io('http://localhost:3000/mongo-live'), { ownsSocket: true });
 * const { streamId } = await transport.request('watch', { subId: transport.newSubId(), target: { db: 'shop' } });
 */
export class SocketTransport extends Subscribable<(status: ConnectionStatus) => void> implements LiveTransport {
  readonly socket: LiveSocket;
  private current: ConnectionStatus;
  private everConnected: boolean;
  private closed = false;
  private readonly ownsSocket: boolean;
  private readonly heartbeat: Heartbeat | undefined;
  /** The bridge said `closing`: a server-side disconnect that follows must not end the client. */
  private leaving = false;
  private leaveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Rejecters of requests sent and not yet acknowledged. */
  private readonly inFlight = new Set<(error: LiveError) => void>();
  /** Requests waiting for the connection. */
  private readonly waiting = new Set<{ go: () => void; fail: (error: LiveError) => void }>();
  private readonly idPrefix = Math.random().toString(36).slice(2, 8);
  private idCounter = 0;

  constructor(socket: LiveSocket, options: SocketTransportOptions = {}) {
    super();
    this.socket = socket;
    this.ownsSocket = options.ownsSocket ?? false;
    this.everConnected = socket.connected;
    this.current = socket.connected ? 'connected' : 'connecting';
    if (options.heartbeat !== false)
      this.heartbeat = new Heartbeat(socket, options.heartbeat ?? {}, (stale) => {
        if (this.socket.connected) this.setStatus(stale ? 'stale' : 'connected');
      });
    if (socket.connected) this.heartbeat?.start();
    socket.on('connect', this.handleConnect);
    socket.on('disconnect', this.handleDisconnect);
    socket.on('connect_error', this.handleConnectError);
    socket.on('closing', this.handleClosing);
    socket.io.on('reconnect_failed', this.handleReconnectFailed);
    // A socket created with `autoConnect: false` is connected here: one socket per client, used at once.
    if (!socket.connected && !socket.active) socket.connect();
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.subscribe(listener);
  }

  request<E extends keyof ClientToServerEvents>(event: E, payload: RequestPayload<E>): Promise<AckData<E>> {
    return new Promise<AckData<E>>((resolve, reject) => {
      if (this.closed) return reject(new LiveError('CLOSED', 'the live client is closed'));
      const send = () => {
        const fail = (error: LiveError) => {
          this.inFlight.delete(fail);
          reject(error);
        };
        this.inFlight.add(fail);
        const ack = (result: AckResult<AckData<E>>) => {
          if (!this.inFlight.delete(fail)) return; // already rejected (disconnect or close)
          if (result?.ok) resolve(result.data);
          else if (result && !result.ok) reject(LiveError.fromWire(result.error));
          else reject(new LiveError('SERVER_ERROR', `malformed ack for '${String(event)}'`));
        };
        // The event maps are generic over E; socket.io's emit typing cannot follow that.
        (this.socket.emit as (e: string, p: unknown, a: unknown) => void)(
          event,
          { ...payload, v: PROTOCOL_VERSION },
          ack,
        );
      };
      if (this.socket.connected) return send();
      if (!this.socket.active) return reject(new LiveError('DISCONNECTED', 'not connected to the mongo-live server'));
      const entry = {
        go: () => {
          this.waiting.delete(entry);
          send();
        },
        fail: (error: LiveError) => {
          this.waiting.delete(entry);
          reject(error);
        },
      };
      this.waiting.add(entry);
    });
  }

  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): () => void {
    // biome-ignore lint/suspicious/noExplicitAny: socket.io's reserved-event overloads defeat the generic
    const socket = this.socket as any;
    socket.on(event, listener);
    return () => socket.off(event, listener);
  }

  newSubId(): string {
    this.idCounter += 1;
    return `${this.idPrefix}-${this.idCounter}`;
  }

  /**
   * Stops the transport: pending requests reject with `CLOSED`, listeners are removed, and the
   * socket is disconnected when the transport owns it.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.leaveTimer);
    this.heartbeat?.stop();
    const error = new LiveError('CLOSED', 'the live client is closed');
    for (const fail of [...this.inFlight]) fail(error);
    for (const entry of [...this.waiting]) entry.fail(error);
    this.socket.off('connect', this.handleConnect);
    this.socket.off('disconnect', this.handleDisconnect);
    this.socket.off('connect_error', this.handleConnectError);
    this.socket.off('closing', this.handleClosing);
    this.socket.io.off('reconnect_failed', this.handleReconnectFailed);
    if (this.ownsSocket) this.socket.disconnect();
    this.setStatus('disconnected');
    this.listeners.clear();
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.current) return;
    this.current = status;
    this.notify(status);
  }

  private readonly handleConnect = () => {
    this.everConnected = true;
    this.leaving = false;
    this.heartbeat?.start();
    this.setStatus('connected');
    for (const entry of [...this.waiting]) entry.go();
  };

  private readonly handleDisconnect = (reason: Socket.DisconnectReason) => {
    clearTimeout(this.leaveTimer);
    this.heartbeat?.stop();
    // A node that said `closing` may also disconnect us; socket.io does not reconnect after a
    // server-side disconnect by itself, but here another node is the way on.
    if (reason === 'io server disconnect' && this.leaving && !this.closed) this.socket.connect();
    // Status first: streams invalidate their in-flight subscribe before its ack is rejected below.
    this.setStatus(this.socket.active ? this.reconnectingStatus() : 'disconnected');
    const error = new LiveError('DISCONNECTED', 'the connection to the mongo-live server was lost');
    for (const fail of [...this.inFlight]) fail(error);
    if (!this.socket.active) for (const entry of [...this.waiting]) entry.fail(error);
  };

  private readonly handleClosing = (message?: ClosingMessage) => {
    if (this.closed || !this.socket.connected || this.leaving) return;
    this.leaving = true;
    const engine = this.socket.io.engine;
    // Drop the connection (the engine, not the socket): socket.io's manager reconnects with its backoff.
    const leave = () => {
      clearTimeout(this.leaveTimer);
      if (!this.closed && this.socket.io.engine === engine) engine.close();
    };
    // A draining node still serves us for `graceMs`: leave at a random moment in its first half,
    // so that the clients of one node do not all land on the others in the same instant.
    const grace = Math.max(0, Number(message?.graceMs) || 0);
    if (grace === 0) leave();
    else this.leaveTimer = setTimeout(leave, Math.random() * (grace / 2));
  };

  private readonly handleConnectError = (error: Error) => {
    if (this.socket.active) return; // socket.io retries by itself
    // Refused for good (e.g. by a server middleware): nothing will come.
    this.setStatus('disconnected');
    const live = new LiveError('DISCONNECTED', `connection refused: ${error.message}`);
    for (const entry of [...this.waiting]) entry.fail(live);
  };

  private readonly handleReconnectFailed = () => {
    this.setStatus('disconnected');
    const error = new LiveError('DISCONNECTED', 'gave up reconnecting to the mongo-live server');
    for (const entry of [...this.waiting]) entry.fail(error);
  };

  private reconnectingStatus(): ConnectionStatus {
    return this.everConnected ? 'reconnecting' : 'connecting';
  }
}
