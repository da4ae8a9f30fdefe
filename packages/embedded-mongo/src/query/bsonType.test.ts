import {
  Binary,
  BSONRegExp,
  BSONSymbol,
  Code,
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
import { bsonTypeOf, isNumeric, isPlainObject } from './bsonType.js';

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

  it('recognises numbers and plain documents', () => {
    expect([1, 1n, new Int32(1), new Double(1), Long.ZERO, Decimal128.fromString('0')].every(isNumeric)).toBe(true);
    expect(['1', null, new Date(0)].some(isNumeric)).toBe(false);
    expect(isPlainObject({ a: 1 })).toBe(true);
    expect(isPlainObject(new ObjectId())).toBe(false);
    expect(isPlainObject([])).toBe(false);
  });
});
