// Test support: the socket.io socket and transport under a LiveClient, for tests that cut the
// connection for real or count listeners. Not public: `LiveClient.transport` is the LiveTransport interface.
import type { LiveClient } from '../LiveClient.js';
import { type LiveSocket, SocketTransport } from '../transport/SocketTransport.js';

/** The SocketTransport of a client made by `createLiveClient` (throws for any other transport). */
export function socketTransportOf(live: LiveClient): SocketTransport {
  if (!(live.transport instanceof SocketTransport)) throw new Error('not a socket.io client');
  return live.transport;
}

/** The socket.io socket of a client made by `createLiveClient`. */
export function socketOf(live: LiveClient): LiveSocket {
  return socketTransportOf(live).socket;
}
