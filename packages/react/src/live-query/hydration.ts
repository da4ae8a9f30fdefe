import { decode, encode } from '@mongo-live/protocol';
import type { DehydrateOptions, HydrateOptions } from '@tanstack/react-query';

/**
 * Options for react-query's `dehydrate` on the server: query data is written as canonical
 * Extended JSON, so ObjectId, Date, Decimal128... survive the trip to the browser (React server
 * components only pass plain JSON-like props).
 *
 * @example
 * // app/products/page.tsx (server component)
 * const queryClient = new QueryClient();
 * await prefetchLiveQuery(queryClient, { mongo, authorize, context }, spec);
 * return <HydrationBoundary state={dehydrate(queryClient, liveDehydrateOptions)}>...</HydrationBoundary>;
 */
export const liveDehydrateOptions: DehydrateOptions = {
  serializeData: (data: unknown) => encode(data),
};

/**
 * Options for react-query's hydration in the browser, reversing {@link liveDehydrateOptions}.
 *
 * @example
 * <HydrationBoundary state={state} options={liveHydrateOptions}>...</HydrationBoundary>
 */
export const liveHydrateOptions: HydrateOptions = {
  defaultOptions: { deserializeData: (data: unknown) => decode(data) },
};
