/**
 * MongoDB's BSON comparison order for JS values decoded by any bson version: what the server
 * does when it sorts, compares in a filter, or checks a range. No bson runtime: values are read
 * by their `_bsontype` tags and fields, so the server bridge compares what the user's `mongodb`
 * driver (bson 6 or 7) decodes, and the embedded server what its own bson decodes.
 */
export { type BsonTypeName, bsonTag, bsonTypeOf, CANONICAL_RANK, canonicalRank, isInt32Number } from './bsonType.js';
export { compareStringsBinary, compareValues, compareWith, type StringComparator } from './compareValues.js';
export { type Decimal128Bytes, type ExactDecimal, exactDecimal } from './decimal.js';
export { compareNumbers, type NumericKind, type NumericView, numericView, plainNumberOf } from './numbers.js';
