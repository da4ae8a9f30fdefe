import type { Authorize } from '@mongo-live/server-bridge';
import type { Namespace } from 'socket.io';
import { shopAccess } from '../lib/access.js';
import { type DemoUserId, isDemoUserId, userFromCookieHeader } from '../lib/session.js';

/**
 * Socket.io middleware of the bridge's namespace: verifies the signed session cookie of the
 * handshake once and puts the user in `socket.data.user`; a socket without a valid session is
 * refused. Never trust `handshake.auth` or an unsigned cookie: the client writes them.
 *
 * @example
 * authenticateSockets(io.of(DEFAULT_NAMESPACE));
 */
export function authenticateSockets(nsp: Namespace): void {
  nsp.use((socket, next) => {
    const user = userFromCookieHeader(socket.handshake.headers.cookie);
    if (!user) return next(new Error('not signed in'));
    socket.data.user = user;
    next();
  });
}

/** The bridge's `authorize` for the demo: the verified user of the socket; the rules are in lib/access.ts. */
export function createDemoAuthorize(dbName: string): Authorize {
  return (request, socket) => {
    const user: unknown = socket.data?.user;
    return shopAccess(request, dbName, isDemoUserId(user) ? (user as DemoUserId) : undefined);
  };
}
