import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The demo's "login": the picked user's id travels in a SIGNED cookie (`<id>.<HMAC-SHA256>`),
 * read by pages, actions and — verified once in the socket.io middleware — the bridge. A client
 * cannot become another user by editing the cookie or the handshake. In an app, use your session
 * library or a JWT the same way: verify in `io.use`, put the user in `socket.data`.
 */
export const USER_COOKIE = 'demo-user';

/** The signing key: DEMO_SESSION_SECRET, which the demo server sets to a random one at startup if absent. */
function sessionSecret(): string {
  const secret = process.env.DEMO_SESSION_SECRET;
  if (!secret) throw new Error('DEMO_SESSION_SECRET is not set (the demo server sets one at startup)');
  return secret;
}

function mac(userId: string): string {
  return createHmac('sha256', sessionSecret()).update(userId).digest('base64url');
}

/** The cookie value that signs `userId` in. */
export function signSession(userId: DemoUserId): string {
  return `${userId}.${mac(userId)}`;
}

/** The user a cookie value signs in, or undefined when it is missing, forged or unknown. */
export function verifySession(value: string | undefined): DemoUserId | undefined {
  if (!value) return undefined;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const userId = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(mac(userId));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return isDemoUserId(userId) ? userId : undefined;
}

/** Demo users (the `users` collection is seeded with these ids). */
export const DEMO_USER_IDS = ['ada', 'grace', 'linus'] as const;
export type DemoUserId = (typeof DEMO_USER_IDS)[number];

export function isDemoUserId(value: unknown): value is DemoUserId {
  return typeof value === 'string' && (DEMO_USER_IDS as readonly string[]).includes(value);
}

/** The verified user of a raw `Cookie` header (as seen in the socket.io handshake). */
export function userFromCookieHeader(header: string | undefined): DemoUserId | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === USER_COOKIE) {
      return verifySession(decodeURIComponent(rest.join('=')));
    }
  }
  return undefined;
}
