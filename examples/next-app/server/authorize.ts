import type { Authorize } from '@mongo-live/server-bridge';
import { shopAccess } from '../lib/access.js';
import { userFromCookieHeader } from '../lib/session.js';

/**
 * The bridge's `authorize` for the demo: the user is the one named by the `demo-user` cookie the
 * browser sent with the socket.io handshake; the rules are in lib/access.ts.
 */
export function createDemoAuthorize(dbName: string): Authorize {
  return (request, socket) => shopAccess(request, dbName, userFromCookieHeader(socket.handshake.headers.cookie));
}
