/** The demo's "login": the picked user's id travels in a cookie, read by pages, actions and the bridge. */
export const USER_COOKIE = 'demo-user';

/** Demo users (the `users` collection is seeded with these ids). */
export const DEMO_USER_IDS = ['ada', 'grace', 'linus'] as const;
export type DemoUserId = (typeof DEMO_USER_IDS)[number];

export function isDemoUserId(value: unknown): value is DemoUserId {
  return typeof value === 'string' && (DEMO_USER_IDS as readonly string[]).includes(value);
}

/** Reads the user id from a raw `Cookie` header (as seen in the socket.io handshake). */
export function userFromCookieHeader(header: string | undefined): DemoUserId | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === USER_COOKIE) {
      const value = decodeURIComponent(rest.join('='));
      return isDemoUserId(value) ? value : undefined;
    }
  }
  return undefined;
}
