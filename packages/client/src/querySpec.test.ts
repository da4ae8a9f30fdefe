import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { toQuerySpec, toWireSort } from './querySpec.js';

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

  it('refuses $meta sorts with INVALID_REQUEST', () => {
    expect(() => toWireSort({ score: { $meta: 'textScore' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST' }),
    );
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
