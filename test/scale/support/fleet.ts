import { type ChangeStream, createLiveClient, type LiveClient, type LiveQuery } from '@mongo-live/client';
import type { Collection, Document, Sort } from 'mongodb';

/** One live query of a fleet client, with what the test checks about it. */
export interface WatchedQuery {
  filter: Document;
  sort: Sort;
  limit?: number;
  query: LiveQuery<Document>;
  /** Statuses in the order they were shown. */
  statuses: string[];
  /** Moments the query said 'live' while its socket was not connected (must stay empty). */
  liveWhileDisconnected: number;
}

/** A browser-like client on the balancer: one socket, one watch() and two live queries. */
export interface FleetClient {
  id: string;
  live: LiveClient;
  stream: ChangeStream<Document>;
  /** `_data` of every event's resume token, in delivery order. */
  events: string[];
  /** Errors the stream ended with (a stream that ends is a failure in these tests). */
  errors: string[];
  queries: WatchedQuery[];
}

export interface FleetOptions {
  url: string;
  db: string;
  collection: string;
  clients: number;
  /** socket.io transports of the clients: websocket-only behind round-robin, both behind sticky. */
  transports: Array<'polling' | 'websocket'>;
  /** Prefix of the clients' `client` query parameter (the sticky balancer's key). */
  prefix: string;
}

/** Opens `clients` clients, each with a watch() of the collection and two live queries on it. */
export function openFleet(options: FleetOptions): FleetClient[] {
  return Array.from({ length: options.clients }, (_, i) => {
    const id = `${options.prefix}${i}`;
    const live = createLiveClient({
      url: options.url,
      socketOptions: {
        transports: options.transports,
        query: { client: id },
        reconnectionDelay: 50,
        reconnectionDelayMax: 300,
      },
    });
    const coll = live.db(options.db).collection(options.collection);
    const stream = coll.watch();
    const client: FleetClient = { id, live, stream, events: [], errors: [], queries: [] };
    stream.on('change', (change) => client.events.push(tokenData(change._id)));
    stream.on('error', (error) => client.errors.push(`${error.code}: ${error.message}`));
    const specs: Array<{ filter: Document; sort: Sort; limit?: number }> = [
      { filter: { group: i % 3 }, sort: { n: 1 } },
      // A window: deletes and moves out of it make the bridge re-read it.
      { filter: { group: { $ne: i % 3 } }, sort: { n: -1 }, limit: 10 },
    ];
    for (const spec of specs) {
      const query = coll.liveQuery(spec.filter, { sort: spec.sort, ...(spec.limit ? { limit: spec.limit } : {}) });
      const watched: WatchedQuery = { ...spec, query, statuses: [], liveWhileDisconnected: 0 };
      const check = () => {
        const { status } = query.getSnapshot();
        if (watched.statuses.at(-1) !== status) watched.statuses.push(status);
        if (status === 'live' && live.status !== 'connected') watched.liveWhileDisconnected++;
      };
      query.subscribe(check);
      live.onStatus(check);
      client.queries.push(watched);
    }
    return client;
  });
}

export function tokenData(token: unknown): string {
  return String((token as { _data?: unknown })._data);
}

/** Waits until `ready()` holds, polling every 50 ms; throws `describe()` after `timeoutMs`. */
export async function eventually(ready: () => Promise<boolean> | boolean, timeoutMs: number, describe: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Ids of what a fresh find() of the query returns, in order. */
export async function freshFind(coll: Collection, q: WatchedQuery): Promise<string[]> {
  const docs = await coll
    .find(q.filter, { sort: { ...(q.sort as Record<string, 1 | -1>), _id: 1 }, ...(q.limit ? { limit: q.limit } : {}) })
    .toArray();
  return docs.map((d) => JSON.stringify(d));
}

/** The same for a live query's current result. */
export function shown(q: WatchedQuery): string[] {
  return q.query.getSnapshot().docs.map((d) => JSON.stringify(d));
}

/**
 * Writes while the test runs: inserts, updates that move documents between groups and positions,
 * and deletes, one at a time (each awaited), about `rate` per second.
 */
export function startWriter(coll: Collection, rate: number): { stop(): Promise<number> } {
  let running = true;
  let n = 1000;
  let writes = 0;
  const loop = (async () => {
    while (running) {
      const op = writes % 5;
      n += 1;
      if (op === 3) await coll.updateOne({ n: { $lt: n - 20 } }, { $set: { group: n % 3, n: n + 0.5 } });
      else if (op === 4) await coll.deleteOne({ n: { $lt: n - 30 } });
      else await coll.insertOne({ n, group: n % 3 });
      writes += 1;
      await new Promise((resolve) => setTimeout(resolve, 1000 / rate));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return writes;
    },
  };
}
