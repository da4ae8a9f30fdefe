// Live query specs shared by server pages (SSR prefetch) and client components: the same spec gives
// the same react-query key on both sides, so the prefetched data is what the hook starts from.

/** Orders as a browser may see them: the page asks for all, the bridge ANDs `{ userId }` on. */
export function ordersQuery(dbName: string) {
  return { db: dbName, collection: 'orders', sort: { createdAt: -1 as const }, limit: 50 };
}

/** Users, live. The bridge's projection strips `email` before anything leaves the server. */
export function customersQuery(dbName: string) {
  return { db: dbName, collection: 'users', sort: { name: 1 as const } };
}
