import type { ClientToServerEvents, ServerToClientEvents, WireError } from '@mongo-live/protocol';
import type { Namespace, Socket } from 'socket.io';
import { queuedBytes } from './queuedBytes.js';

export type BridgeNamespace = Namespace<ClientToServerEvents, ServerToClientEvents>;
export type BridgeSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/**
 * Every message the bridge sends goes through here, so one socket's outbound budget
 * (`maxQueueBytesPerSocket`) holds for every kind: change batches, query updates, acks. A socket
 * over budget is not sent the message; its owner ends the subscription the message was for
 * (`onOverflow`), so memory stays bounded and the client resumes from its last position.
 *
 * @example
 * const outbox = new Outbox(nsp, 8 * 1024 * 1024);
 * outbox.toRoom(group.room, 'change', batch, (socketId) => group.overflow(socketId));
 */
export class Outbox {
  constructor(
    private readonly nsp: BridgeNamespace,
    readonly maxQueueBytesPerSocket: number,
  ) {}

  socket(socketId: string): BridgeSocket | undefined {
    return this.nsp.sockets.get(socketId);
  }

  /** True when the socket's unsent bytes exceed its budget. */
  overBudget(socket: BridgeSocket): boolean {
    return queuedBytes(socket as unknown as Socket) > this.maxQueueBytesPerSocket;
  }

  /** The error a subscription ends with when its socket is over budget. */
  overflowError(): WireError {
    return {
      code: 'LIMIT_EXCEEDED',
      message: `the socket's outbound queue exceeded maxQueueBytesPerSocket (${this.maxQueueBytesPerSocket} bytes); resume from your last position`,
    };
  }

  /**
   * Sends to every socket in `room` (encoded once). With `onOverflow`, sockets over budget are
   * handed to it first (it must take them out of the room) and do not get the message.
   */
  toRoom<E extends keyof ServerToClientEvents>(
    room: string,
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
    onOverflow?: (socketId: string) => void,
  ): void {
    const ids = this.nsp.adapter.rooms.get(room);
    if (!ids || ids.size === 0) return;
    if (onOverflow) {
      const over: string[] = [];
      for (const id of ids) {
        const socket = this.nsp.sockets.get(id);
        if (socket && this.overBudget(socket)) over.push(id);
      }
      for (const id of over) {
        onOverflow(id);
        void this.nsp.sockets.get(id)?.leave(room);
      }
    }
    (this.nsp.to(room).emit as (event: string, payload: unknown) => void)(event, payload);
  }

  /** Sends to one socket; false (and `onOverflow` called) when it is over budget. */
  toSocket<E extends keyof ServerToClientEvents>(
    socketId: string,
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
    onOverflow?: () => void,
  ): boolean {
    const socket = this.nsp.sockets.get(socketId);
    if (!socket) return false;
    if (onOverflow && this.overBudget(socket)) {
      onOverflow();
      return false;
    }
    (socket.emit as (event: string, payload: unknown) => void)(event, payload);
    return true;
  }
}
