import {
  liveCountKeyOf,
  livePagesKeyOf,
  liveQueryKeyOf,
  PROTOCOL_VERSION,
  type QuerySpec,
  toQuerySpec,
} from '@mongo-live/protocol';
import type { Document, MongoClient } from 'mongodb';
import type { Socket } from 'socket.io';
import { type Authorize, decide } from '../access/AccessPolicy.js';
import { buildEffectiveQuery, type EffectiveQuery } from '../access/effectiveQuery.js';
import { decode, encode } from '../driverBson.js';
import { BridgeError } from '../errors.js';
import { type BridgeLimits, resolveLimits } from '../limits.js';
import { RequestValidator, type ValidQuery } from '../validation/RequestValidator.js';
import { LiveQueryService } from './LiveQueryService.js';

/** The query key of a live query, equal to @mongo-live/react's `liveQueryKey(spec)` (from the protocol). */
export { liveQueryKeyOf };

/** A live query as components write it (same shape as @mongo-live/react's `LiveQuerySpec`). */
export interface PrefetchSpec {
  db: string;
  collection: string;
  filter?: Document;
  sort?: unknown;
  limit?: number;
  skip?: number;
  projection?: Document;
}

/** The part of a react-query QueryClient the prefetch needs (no dependency on react-query here). */
export interface QueryClientLike {
  setQueryData(queryKey: readonly unknown[], data: unknown): unknown;
}

/** Where and as whom to run the prefetch. */
export interface PrefetchContext {
  mongo: MongoClient;
  /** The bridge's authorize function: the same rules apply on the server as over socket.io. */
  authorize: Authorize;
  /**
   * Passed to `authorize` in place of the socket: give it what your authorize reads, e.g.
   * `{ handshake: { auth: { token } } }` built from the page request's cookies.
   */
  context?: unknown;
  limits?: Partial<BridgeLimits>;
}

/**
 * Server-side rendering: runs a live query's first snapshot on the server — validated, authorized
 * and restricted exactly as the bridge would — and puts it in `queryClient` under the same key as
 * `liveQueryOptions(spec)`. Dehydrate the client (with `liveDehydrateOptions`) in a Next.js App
 * Router page; in the browser the hydrated entry goes live and the live snapshot replaces it,
 * reusing the identity of every unchanged document.
 *
 * @example
 * const queryClient = new QueryClient();
 * await prefetchLiveQuery(queryClient, { mongo, authorize, context: { user } }, {
 *   db: 'shop', collection: 'products', filter: { category: 'books' }, sort: { price: 1 }, limit: 20,
 * });
 * return <HydrationBoundary state={dehydrate(queryClient, liveDehydrateOptions)}><Products /></HydrationBoundary>;
 */
export async function prefetchLiveQuery<T = Document>(
  queryClient: QueryClientLike,
  context: PrefetchContext,
  spec: PrefetchSpec,
): Promise<T[]> {
  const { db, collection, filter, ...options } = spec;
  // The browser's hooks build the same spec, hence the same key, with the same function
  // (here on the driver's BSON, which made the values).
  const wire = toQuerySpec(db, collection, filter, options, encode);
  const docs = await prefetchFind<T>(context, wire);
  queryClient.setQueryData(liveQueryKeyOf(wire), docs);
  return docs;
}

/**
 * Server-side rendering of live pages: reads their first page on the server (validated,
 * authorized and restricted as the bridge would) into `queryClient` under the key of
 * `useLiveInfiniteQuery(spec, { pageSize })`, as react-query's infinite data
 * (`{ pages: [firstPage], pageParams: [0] }`). In the browser the hydrated page goes live.
 *
 * @example
 * await prefetchLivePages(queryClient, { mongo, authorize, context: { user } },
 *   { db: 'shop', collection: 'products', sort: { price: 1 } }, { pageSize: 50 });
 */
export async function prefetchLivePages<T = Document>(
  queryClient: QueryClientLike,
  context: PrefetchContext,
  spec: Omit<PrefetchSpec, 'limit' | 'skip'>,
  options: { pageSize: number },
): Promise<T[]> {
  const { db, collection, filter, sort, projection } = spec;
  const wire = toQuerySpec(db, collection, filter, { sort, projection }, encode);
  const docs = await prefetchFind<T>(context, { ...wire, limit: options.pageSize });
  queryClient.setQueryData(livePagesKeyOf(wire, options.pageSize), { pages: [docs], pageParams: [0] });
  return docs;
}

/**
 * Server-side rendering of a live count: counts on the server what `useLiveCount(spec)` will count
 * (the filter ANDed with the user's row filter by the same `authorize`; a filter on a hidden field
 * refused), into `queryClient` under the same key. In the browser the hydrated number shows at
 * once and the live count takes over. More than `maxCountedDocuments` is refused (LIMIT_EXCEEDED),
 * as the live count would be.
 *
 * @example
 * await prefetchLiveCount(queryClient, { mongo, authorize, context: { user } },
 *   { db: 'shop', collection: 'products', filter: { category: 'books' } });
 */
export async function prefetchLiveCount(
  queryClient: QueryClientLike,
  context: PrefetchContext,
  spec: Pick<PrefetchSpec, 'db' | 'collection' | 'filter'>,
): Promise<number> {
  const wire = toQuerySpec(spec.db, spec.collection, spec.filter, {}, encode);
  const resolved = resolveLimits(context.limits);
  const valid = new RequestValidator(resolved).count({ v: PROTOCOL_VERSION, subId: 'prefetch', ...wire });
  const effective = await authorized(context, valid);
  const max = resolved.maxCountedDocuments;
  const count = await context.mongo
    .db(effective.db)
    .collection(effective.collection)
    .countDocuments(effective.filter, { limit: max + 1 });
  if (count > max)
    throw new BridgeError('LIMIT_EXCEEDED', `a live count counts at most maxCountedDocuments (${max}) documents`);
  queryClient.setQueryData(liveCountKeyOf(wire), count);
  return count;
}

/** A validated query as the bridge runs it for this context's user: authorized, row filter ANDed. */
async function authorized({ authorize, context }: PrefetchContext, valid: ValidQuery): Promise<EffectiveQuery> {
  const grant = await decide(
    authorize,
    { kind: 'query', scope: 'collection', db: valid.db, collection: valid.collection, filter: valid.filter },
    context as Socket,
  );
  return buildEffectiveQuery(valid, grant);
}

/** The first snapshot of a wire query, with the bridge's validation, authorization and restriction. */
async function prefetchFind<T>(context: PrefetchContext, wire: QuerySpec): Promise<T[]> {
  const { mongo, limits } = context;
  const resolved = resolveLimits(limits);
  const valid = new RequestValidator(resolved).find({ v: PROTOCOL_VERSION, ...wire });
  const effective = await authorized(context, valid);
  const finder = new LiveQueryService({
    mongo,
    limits: resolved,
    emitUpdate: () => undefined,
    emitError: () => undefined,
  });
  return (await finder.find(effective)).map((d) => decode<T>(d));
}
