import type { IncomingMessage, ServerResponse } from 'node:http';
import { signSession, USER_COOKIE, userFromCookieHeader } from '../lib/session.js';

/**
 * First visit: sign the browser in as the first demo user. The cookie is added to the request too,
 * so this very render already sees it; the socket.io handshake that follows carries it.
 */
export function ensureDemoUser(req: IncomingMessage, res: ServerResponse): void {
  if (userFromCookieHeader(req.headers.cookie)) return;
  const cookie = `${USER_COOKIE}=${signSession('ada')}`;
  req.headers.cookie = req.headers.cookie ? `${req.headers.cookie}; ${cookie}` : cookie;
  res.setHeader('Set-Cookie', `${cookie}; Path=/; SameSite=Lax; HttpOnly`);
}
