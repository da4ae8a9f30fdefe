import type { Socket } from 'socket.io';

interface EngineInternals {
  writeBuffer?: Array<{ data?: unknown }>;
  transport?: { socket?: { bufferedAmount?: unknown } };
}

/**
 * Bytes waiting to be written to a socket: engine.io's write buffer (packets not yet handed to the
 * transport) plus what the WebSocket has buffered but the kernel has not accepted. Grows when the
 * client reads slower than the bridge sends.
 *
 * @example
 * if (queuedBytes(socket) > limits.maxQueueBytesPerSocket) endSubscriptions(socket);
 */
export function queuedBytes(socket: Socket): number {
  const conn = socket.conn as unknown as EngineInternals;
  let bytes = 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    if (typeof data === 'string') bytes += data.length;
    else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) bytes += data.byteLength;
  }
  const buffered = conn.transport?.socket?.bufferedAmount;
  if (typeof buffered === 'number') bytes += buffered;
  return bytes;
}
