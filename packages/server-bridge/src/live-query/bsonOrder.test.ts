import { Decimal128, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { compareValues } from './bsonOrder.js';
import { SortOrder } from './SortOrder.js';

describe('compareValues', () => {
  it('orders types as MongoDB does', () => {
    const ordered = [
      new MinKey(),
      null,
      1,
      'a',
      { a: 1 },
      [1],
      new ObjectId('000000000000000000000000'),
      false,
      new Date(0),
      new Timestamp({ t: 1, i: 0 }),
      /a/,
      new MaxKey(),
    ];
    for (let i = 1; i < ordered.length; i++) expect(compareValues(ordered[i - 1], ordered[i])).toBe(-1);
  });

  it('compares numbers of every BSON type by value', () => {
    expect(compareValues(new Int32(2), 2)).toBe(0);
    expect(compareValues(Long.fromString('9007199254740993'), Long.fromString('9007199254740992'))).toBe(1);
    expect(compareValues(Decimal128.fromString('1.5'), 2)).toBe(-1);
    expect(compareValues(Number.NaN, -Infinity)).toBe(-1);
    expect(compareValues(undefined, null)).toBe(0);
  });

  it('compares strings by code point', () => {
    expect(compareValues('\u{1F600}', '\uFFFF')).toBe(1);
    expect(compareValues('B', 'a')).toBe(-1);
  });
});

describe('SortOrder', () => {
  it('uses the smallest array element ascending, the largest descending, and _id last', () => {
    const asc = new SortOrder([['n', 1]]);
    const desc = new SortOrder([['n', -1]]);
    const a = { _id: 1, n: [1, 9] };
    const b = { _id: 2, n: 5 };
    expect(asc.compare(asc.keysOf(a), asc.keysOf(b))).toBe(-1);
    expect(desc.compare(desc.keysOf(a), desc.keysOf(b))).toBe(-1);
    expect(asc.compare(asc.keysOf({ _id: 1, n: 1 }), asc.keysOf({ _id: 2, n: 1 }))).toBe(-1);
    expect(asc.mongoSort).toEqual([
      ['n', 1],
      ['_id', 1],
    ]);
  });
});
