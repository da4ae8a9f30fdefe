// The BSON classes the client hands to apps. Their values come from the `bson` package (what the
// client decodes with), their types from the `mongodb` package, which the documents' types
// (`WithId<T>`, `ChangeStreamDocument<T>`) use: with mongodb 6 (bson 6 types) an `ObjectId` of
// this package is then the `_id` type of a document, not a bson 7 type that differs from it.
import { ObjectId as BsonObjectId, Timestamp as BsonTimestamp, EJSON } from 'bson';
import type { ObjectId as DriverObjectId, Timestamp as DriverTimestamp } from 'mongodb';

export { EJSON };

/**
 * MongoDB's ObjectId (12 bytes: time, random, counter).
 *
 * @example
 * const id = new ObjectId('64b7f0c2a1b2c3d4e5f60718');
 */
export const ObjectId = BsonObjectId as unknown as typeof DriverObjectId;
export type ObjectId = DriverObjectId;

/**
 * MongoDB's Timestamp (seconds and an increment), e.g. for `startAtOperationTime`.
 *
 * @example
 * const at = new Timestamp({ t: 1735689600, i: 1 });
 */
export const Timestamp = BsonTimestamp as unknown as typeof DriverTimestamp;
export type Timestamp = DriverTimestamp;
