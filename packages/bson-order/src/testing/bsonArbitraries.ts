import { Binary, BSONRegExp, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import fc from 'fast-check';

/**
 * fast-check generators of BSON values, for the property tests of this package and of
 * embedded-mongo's query engine (tests only: neither exported nor built).
 */

/** Any BSON number: JS doubles/ints (with NaN, ±Infinity, -0), Int32, Double, Long, Decimal128. */
export const bsonNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -50, max: 50 }),
  fc.double({ noDefaultInfinity: false, noNaN: false }),
  fc.constantFrom(0.5, -0.5, 2 ** 53, -(2 ** 53), 2 ** 31, -(2 ** 31) - 1, -0),
  fc.integer({ min: -50, max: 50 }).map((n) => new Int32(n)),
  fc.integer().map((n) => new Int32(n)),
  fc.double({ noNaN: true }).map((n) => new Double(n)),
  fc.integer({ min: -50, max: 50 }).map((n) => Long.fromNumber(n)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => Long.fromBigInt(n)),
  fc
    .tuple(fc.integer({ min: -999, max: 999 }), fc.integer({ min: -4, max: 4 }))
    .map(([c, e]) => Decimal128.fromString(`${c}E${e}`)),
  fc
    .constantFrom('NaN', 'Infinity', '-Infinity', '1.0', '0.1', '-0', '9007199254740993')
    .map((s) => Decimal128.fromString(s)),
);

/** Scalars of every BSON type. */
export const bsonScalar: fc.Arbitrary<unknown> = fc.oneof(
  bsonNumber,
  fc.constantFrom(null, undefined, true, false, new MinKey(), new MaxKey()),
  fc.string({ maxLength: 4 }),
  fc.string({ maxLength: 3, unit: 'grapheme' }),
  fc.uint8Array({ minLength: 12, maxLength: 12 }).map((b) => new ObjectId(b)),
  fc.integer({ min: -1e12, max: 1e12 }).map((t) => new Date(t)),
  fc.tuple(fc.nat(10), fc.nat(10)).map(([t, i]) => new Timestamp({ t, i })),
  fc.tuple(fc.uint8Array({ maxLength: 3 }), fc.constantFrom(0, 4)).map(([b, s]) => new Binary(b, s)),
  fc.tuple(fc.constantFrom('a', 'b', '^x'), fc.constantFrom('', 'i')).map(([p, o]) => new BSONRegExp(p, o)),
  fc.constantFrom(/a/, /a/i, /b/),
);

/** Any BSON value, nesting arrays and documents a few levels deep. */
export const bsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ maxDepth: 2, depthIdentifier: 'bson' }, bsonScalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 }),
})).value;
