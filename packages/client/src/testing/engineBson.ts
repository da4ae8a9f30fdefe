// The bridge's driverBson.ts, bound to the `bson` package instead of the `mongodb` driver: the
// testing build (tsup.config.ts) and the repository's Storybook substitute this module for it
// when they bundle the bridge's live-query engine, so one engine runs in the browser and in tests
// without the driver. Same names as driverBson.ts (a name missing here fails the build); the
// values are those of `bson`, the library this package and the protocol already use, so documents
// the testing client makes, the engine compares and the codec encodes share one set of classes.
import { EJSON } from 'bson';

export { decode, decodeExact, encode } from '@mongo-live/protocol';
export { Binary, BSONRegExp, Decimal128, Long, ObjectId, Timestamp } from 'bson';
export { EJSON };
