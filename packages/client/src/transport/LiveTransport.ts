import type { AckData, ClientToServerEvents, ServerToClientEvents } from '@mongo-live/protocol';

/**
 * Connection state of a client, as shown in a UI. `'stale'`: the socket is still open but the
 * bridge has not answered a heartbeat (or the browser went offline), so data may be frozen; it
 * returns to `'connected'` on the next answer (nothing to catch up: the connection never dropped)
 * or goes `'reconnecting'` when socket.io gives the connection up.
 *
 * @example
 * live.onStatus((status: ConnectionStatus) => badge.textContent = status);
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'stale' | 'reconnecting' | 'disconnected';

/**
 * True while the socket is up ('connected' or 'stale'): its subscriptions still exist on the
 * bridge, so an unsubscribe is worth sending and nothing needs re-subscribing.
 *
 * @example
 * if (isConnectionUp(transport.status)) void transport.request('unsubscribe', { subId });
 */
export function isConnectionUp(status: ConnectionStatus): boolean {
  return status === 'connected' || status === 'stale';
}

/**
 * Payload of a client → server event, without the protocol version (the transport adds it).
 *
 * @example
 * const payload: RequestPayload<'unsubscribe'> = { subId: 'a-1' }; // the transport adds `v`
 */
export type RequestPayload<E extends keyof ClientToServerEvents> = Omit<Parameters<ClientToServerEvents[E]>[0], 'v'>;
/**
 * What ChangeStream and LiveQuery need from the connection: requests with acks, server events,
 * and the connection status. One transport per client, over one socket; everything is multiplexed.
 *
 * @example
 * const stop = transport.on('change', (batch) => console.log(batch.streamId));
 * const data = await transport.request('find', { db: 'shop', collection: 'products' });
 */
export interface LiveTransport {
  readonly status: ConnectionStatus;
  /** Calls `listener` on every status change; returns the unsubscribe function. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /**
   * Sends a request (waiting for the connection if needed) and resolves with the ack's data.
   * Rejects with a LiveError: the ack's error, or DISCONNECTED / CLOSED.
   */
  request<E extends keyof ClientToServerEvents>(event: E, payload: RequestPayload<E>): Promise<AckData<E>>;
  /** Listens to a server event; returns the unsubscribe function. */
  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): () => void;
  /** A subscription id unique on this transport. */
  newSubId(): string;
}
