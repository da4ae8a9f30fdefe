import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { liveQueryKeyOf, toQuerySpec, toWireSort, UnsupportedSortError } from './querySpec.js';

describe('toWireSort', () => {
  it('accepts every mongodb Sort shape and keeps key order', () => {
    expect(toWireSort({ b: 1, a: -1 })).toEqual([
      ['b', 1],
      ['a', -1],
    ]);
    expect(toWireSort({ a: 'asc', b: 'descending' })).toEqual([
      ['a', 1],
      ['b', -1],
    ]);
    expect(toWireSort('a')).toEqual([['a', 1]]);
    expect(toWireSort(['a', 'b'])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    expect(toWireSort(['a', -1])).toEqual([['a', -1]]);
    expect(toWireSort(['a', 'desc'])).toEqual([['a', -1]]);
    expect(
      toWireSort([
        ['a', 1],
        ['b', 'desc'],
      ]),
    ).toEqual([
      ['a', 1],
      ['b', -1],
    ]);
    expect(
      toWireSort(
        new Map([
          ['z', -1],
          ['y', 1],
        ] as const),
      ),
    ).toEqual([
      ['z', -1],
      ['y', 1],
    ]);
  });

  it('normalizes every mongodb Sort shape, keeping key order, directions in any case', () => {
    expect(toWireSort({ b: 'DESC', a: 'Ascending' })).toEqual([
      ['b', -1],
      ['a', 1],
    ]);
    expect(toWireSort('a')).toEqual([['a', 1]]);
    expect(toWireSort(['a', -1])).toEqual([['a', -1]]);
    expect(toWireSort([['x', 'desc'], 'y'])).toEqual([
      ['x', -1],
      ['y', 1],
    ]);
    expect(toWireSort(new Map([['z', -1]]))).toEqual([['z', -1]]);
  });

  it('refuses what the wire cannot carry', () => {
    expect(() => toWireSort({ s: { $meta: 'textScore' } })).toThrow(UnsupportedSortError);
    expect(() => toWireSort({ s: 2 })).toThrow("unsupported sort direction for 's'");
    expect(() => toWireSort(42)).toThrow(UnsupportedSortError);
  });
});

describe('liveQueryKeyOf', () => {
  it('keeps only the parts present, in a fixed order', () => {
    expect(liveQueryKeyOf({ db: 'shop', collection: 'p', limit: 5, sort: [['price', 1]] })).toEqual([
      'mongo-live',
      'query',
      'shop',
      'p',
      { sort: [['price', 1]], limit: 5 },
    ]);
    expect(liveQueryKeyOf({ db: 'd', collection: 'c' })[4]).toEqual({});
  });
});

describe('toQuerySpec', () => {
  it('EJSON-encodes filter and projection and leaves out absent options', () => {
    const id = new ObjectId();
    expect(toQuerySpec('shop', 'p', { _id: id, n: { $gt: 1.5 } }, { projection: { name: 1 }, limit: 5 })).toEqual({
      db: 'shop',
      collection: 'p',
      filter: { _id: { $oid: id.toHexString() }, n: { $gt: { $numberDouble: '1.5' } } },
      projection: { name: { $numberInt: '1' } },
      limit: 5,
    });
    expect(toQuerySpec('shop', 'p')).toEqual({ db: 'shop', collection: 'p' });
  });
});
