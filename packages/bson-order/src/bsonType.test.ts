import {
  Binary,
  BSONRegExp,
  BSONSymbol,
  Code,
  DBRef,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
} from 'bson';
import { describe, expect, it } from 'vitest';
import { bsonTag, bsonTypeOf, CANONICAL_RANK, canonicalRank, isInt32Number } from './bsonType.js';

describe('bsonTypeOf', () => {
  it('names every BSON type like $type does', () => {
    const cases: Array<[unknown, string]> = [
      [1, 'int'],
      [-2147483648, 'int'],
      [2147483648, 'double'],
      [1.5, 'double'],
      [-0, 'double'],
      [Number.NaN, 'double'],
      [new Int32(1), 'int'],
      [new Double(1), 'double'],
      [Long.fromNumber(1), 'long'],
      [1n, 'long'],
      [Decimal128.fromString('1'), 'decimal'],
      ['s', 'string'],
      [new BSONSymbol('s'), 'symbol'],
      [{}, 'object'],
      [new DBRef('c', new ObjectId()), 'object'],
      [[], 'array'],
      [new Binary(new Uint8Array(1)), 'binData'],
      [new UUID(), 'binData'],
      [new Uint8Array(2), 'binData'],
      [new ObjectId(), 'objectId'],
      [true, 'bool'],
      [new Date(), 'date'],
      [null, 'null'],
      [undefined, 'missing'],
      [/x/, 'regex'],
      [new BSONRegExp('x'), 'regex'],
      [new Code('x'), 'javascript'],
      [new Code('x', { a: 1 }), 'javascriptWithScope'],
      [new Timestamp({ t: 1, i: 1 }), 'timestamp'],
      [new MinKey(), 'minKey'],
      [new MaxKey(), 'maxKey'],
    ];
    for (const [v, t] of cases) expect([v, bsonTypeOf(v)]).toEqual([v, t]);
  });

  it('reads tags, so that a value of another bson copy is recognised', () => {
    const foreign = { _bsontype: 'ObjectId', id: new Uint8Array(12) };
    expect(bsonTag(foreign)).toBe('ObjectId');
    expect(bsonTypeOf(foreign)).toBe('objectId');
    expect([bsonTag(null), bsonTag(undefined), bsonTag(1), bsonTag({ _bsontype: 1 })]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('ranks', () => {
  it('shares one rank among numbers, among strings and symbols, among null and missing', () => {
    expect(new Set([1, 1.5, 1n, Decimal128.fromString('1'), Long.ZERO].map(canonicalRank)).size).toBe(1);
    expect(canonicalRank('a')).toBe(canonicalRank(new BSONSymbol('a')));
    expect(canonicalRank(null)).toBe(canonicalRank(undefined));
    expect(
      CANONICAL_RANK.minKey < CANONICAL_RANK.null && CANONICAL_RANK.javascriptWithScope < CANONICAL_RANK.maxKey,
    ).toBe(true);
  });

  it('knows which JS numbers bson writes as int32', () => {
    expect([0, 7, -(2 ** 31), 2 ** 31 - 1].every(isInt32Number)).toBe(true);
    expect([-0, 0.5, 2 ** 31, Number.NaN, Number.POSITIVE_INFINITY].some(isInt32Number)).toBe(false);
  });
});
