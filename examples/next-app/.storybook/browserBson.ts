// driverBson.ts for the browser: the bridge's one BSON source is the `mongodb` driver's, which a
// browser cannot load; the live-query engine the testing client runs needs only the same classes
// and codec, which `bson` (the driver's own BSON library) provides.
import { EJSON } from 'bson';

export { decode, decodeExact, encode } from '@mongo-live/protocol';
export { Binary, BSONRegExp, Decimal128, Long, ObjectId, Timestamp } from 'bson';
export { EJSON };
export const liveDehydrateOptions: { serializeData: (data: unknown) => unknown } = {
  serializeData: (data) => EJSON.serialize(data, { relaxed: false }),
};
