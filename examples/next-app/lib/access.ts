import type { Document } from 'mongodb';

/** What a reader asks for, as the bridge's `authorize` sees it. */
export interface ShopRequest {
  kind: 'watch' | 'query';
  db?: string;
  collection?: string;
}

/** false: denied. true: as asked. Object: `filter` ANDed on, `projection` enforced. */
export type ShopAccess = boolean | { filter?: Document; projection?: Document };

/**
 * The demo's access rules, one place for the bridge (live data) and the server pages (SSR):
 * - products: readable by everyone;
 * - users: readable, but never their `email` (a projection the browser cannot undo);
 * - orders: only the signed-in user's own (a row filter ANDed onto whatever the page asks);
 * - the whole shop database may be watched (the activity feed) under the same rules;
 * - anything else (other databases, the whole deployment, queries across a database) is denied.
 */
export function shopAccess(request: ShopRequest, dbName: string, userId: string | undefined): ShopAccess {
  if (request.db !== dbName) return false;
  switch (request.collection) {
    case 'products':
      return true;
    case 'users':
      return { projection: { email: 0 } };
    case 'orders':
      return userId ? { filter: { userId } } : false;
    case undefined:
      if (request.kind !== 'watch') return false;
      return {
        // Evaluated by the bridge on each event's document: products and users have no `userId`,
        // orders pass only when they are this user's, so other users' orders never reach the page.
        filter: { $or: [{ userId: { $exists: false } }, ...(userId ? [{ userId }] : [])] },
        projection: { email: 0 },
      };
    default:
      return false;
  }
}
