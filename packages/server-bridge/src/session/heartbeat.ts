/**
 * socket.io server heartbeat settings recommended for the bridge's `io` Server. socket.io's
 * defaults (ping every 25 s, 20 s to answer) let a silently dead connection look open for up to
 * 45 s; with these, socket.io itself gives such a connection up within 15 s and the client
 * reconnects and catches up. (The client's own heartbeat already shows `'stale'` within a few
 * seconds, whatever the server's settings.) The cost is one tiny engine.io ping per socket every
 * 10 s.
 *
 * @example
 * import { Server } from 'socket.io';
 * import { createBridge, RECOMMENDED_SERVER_HEARTBEAT } from '@mongo-live/server-bridge';
 * const io = new Server(httpServer, { ...RECOMMENDED_SERVER_HEARTBEAT });
 * createBridge({ io, mongo, authorize });
 */
export const RECOMMENDED_SERVER_HEARTBEAT = { pingInterval: 10_000, pingTimeout: 5_000 } as const;
