// The bridge's one source of BSON: the `mongodb` driver the app installed. Values from the driver
// (change events, find results) can only be encoded by the bson copy that made them (mongodb 6
// bundles bson 6, mongodb 7 bson 7), and values handed to the driver (decoded filters, resume
// tokens, Timestamps) must be of its classes too. Never import `bson` in the bridge: import here.
// The client's testing build bundles the live-query engine with this module replaced by
// packages/client/src/testing/engineBson.ts (same names, from `bson`): keep the two lists equal.
import { createCodec } from '@mongo-live/protocol';
import { BSON } from 'mongodb';

export { Binary, BSONRegExp, Decimal128, Long, ObjectId, Timestamp } from 'mongodb';

/** The driver's Extended JSON. */
export const EJSON = BSON.EJSON;

/** The wire codec on the driver's BSON: what the bridge encodes and decodes everything with. */
export const { encode, decode, decodeExact } = createCodec(BSON.EJSON, BSON);

/**
 * Options for react-query's `dehydrate` on the server, after `prefetchLiveQuery`: documents are
 * written as canonical Extended JSON with the driver's BSON, and `liveHydrateOptions` of
 * `@mongo-live/react` reads them back in the browser.
 *
 * @example
 * await prefetchLiveQuery(queryClient, { mongo, authorize, context }, spec);
 * const state = dehydrate(queryClient, liveDehydrateOptions);
 */
export const liveDehydrateOptions: { serializeData: (data: unknown) => unknown } = {
  serializeData: (data) => encode(data),
};
