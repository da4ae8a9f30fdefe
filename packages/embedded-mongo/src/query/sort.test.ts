import { compareValues } from '@mongo-live/bson-order';
import { Decimal128, Int32, Long, MaxKey, MinKey } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bsonValue } from '../../../bson-order/src/testing/bsonArbitraries.js';
import { CommandError } from '../errors.js';
import { compileSort } from './sort.js';

const sortIds = (docs: Array<Record<string, unknown>>, spec: object) =>
  [...docs].sort(compileSort(spec)).map((d) => d._id);

describe('compileSort', () => {
  it('sorts on several keys and dotted paths', () => {
    const docs = [
      { _id: 1, a: 2, b: { c: 1 } },
      { _id: 2, a: 1, b: { c: 5 } },
      { _id: 3, a: 2, b: { c: 0 } },
    ];
    expect(sortIds(docs, { a: 1, 'b.c': 1 })).toEqual([2, 3, 1]);
    expect(sortIds(docs, { a: -1, 'b.c': -1 })).toEqual([1, 3, 2]);
  });

  it('orders mixed numeric types by value and types in BSON order, missing as null', () => {
    const docs = [
      { _id: 1, a: Decimal128.fromString('2.5') },
      { _id: 2, a: Long.fromNumber(2) },
      { _id: 3, a: new Int32(3) },
      { _id: 4, a: 'x' },
      { _id: 5 },
      { _id: 6, a: null },
      { _id: 7, a: new MinKey() },
      { _id: 8, a: new MaxKey() },
    ];
    expect(sortIds(docs, { a: 1 })).toEqual([7, 5, 6, 2, 1, 3, 4, 8]);
  });

  it('uses the smallest array element ascending and the largest descending', () => {
    const docs = [
      { _id: 1, a: [1, 10] },
      { _id: 2, a: 5 },
      { _id: 3, a: [3, 4] },
    ];
    expect(sortIds(docs, { a: 1 })).toEqual([1, 3, 2]);
    expect(sortIds(docs, { a: -1 })).toEqual([1, 2, 3]);
  });

  it('collects keys through arrays of documents', () => {
    const docs = [
      { _id: 1, a: [{ b: 7 }, { b: 1 }] },
      { _id: 2, a: [{ b: 3 }] },
    ];
    expect(sortIds(docs, { 'a.b': 1 })).toEqual([1, 2]);
    expect(sortIds(docs, { 'a.b': -1 })).toEqual([1, 2]);
    expect(
      sortIds(
        [
          { _id: 1, a: [{ b: 1 }, { c: 1 }] },
          { _id: 2, a: [{ b: 0 }] },
        ],
        { 'a.b': 1 },
      ),
    ).toEqual([1, 2]);
  });

  it('sorts an empty array before null and missing', () => {
    const docs = [
      { _id: 1, a: null },
      { _id: 2, a: [] },
      { _id: 3, a: 1 },
      { _id: 4, a: new MinKey() },
    ];
    expect(sortIds(docs, { a: 1 })).toEqual([4, 2, 1, 3]);
  });

  it('keeps input order for ties and ignores $natural and $meta', () => {
    const docs = [
      { _id: 1, a: 1 },
      { _id: 2, a: 1 },
      { _id: 3, a: 0 },
    ];
    expect(sortIds(docs, { a: 1 })).toEqual([3, 1, 2]);
    expect(sortIds(docs, { $natural: 1 })).toEqual([1, 2, 3]);
    expect(sortIds(docs, { score: { $meta: 'textScore' } })).toEqual([1, 2, 3]);
  });

  it('uses a collation for strings when given one', () => {
    const docs = [
      { _id: 1, a: 'b' },
      { _id: 2, a: 'B' },
      { _id: 3, a: 'a' },
    ];
    expect(sortIds(docs, { a: 1 })).toEqual([2, 3, 1]);
    expect(
      [...docs].sort(compileSort({ a: 1 }, { collation: { locale: 'en', strength: 1 } })).map((d) => d._id),
    ).toEqual([3, 1, 2]);
  });

  it('rejects invalid directions', () => {
    expect(() => compileSort({ a: 2 })).toThrow(CommandError);
    expect(() => compileSort({ a: 'up' })).toThrow('$sort key ordering must be 1');
  });

  it('equals sorting scalar keys with compareValues (property)', () => {
    const scalarOrDoc = bsonValue.filter((v) => !Array.isArray(v));
    fc.assert(
      fc.property(fc.array(scalarOrDoc, { maxLength: 12 }), fc.constantFrom(1, -1), (values, dir) => {
        const docs = values.map((a, i) => ({ _id: i, a }));
        const expected = [...docs].sort((x, y) => dir * compareValues(x.a, y.a)).map((d) => d._id);
        expect(sortIds(docs, { a: dir })).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('orders arrays by their extreme element (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 4 }), { maxLength: 8 }),
        (arrays) => {
          const docs = arrays.map((a, i) => ({ _id: i, a }));
          const asc = [...docs].sort((x, y) => Math.min(...x.a) - Math.min(...y.a)).map((d) => d._id);
          const desc = [...docs].sort((x, y) => Math.max(...y.a) - Math.max(...x.a)).map((d) => d._id);
          expect(sortIds(docs, { a: 1 })).toEqual(asc);
          expect(sortIds(docs, { a: -1 })).toEqual(desc);
        },
      ),
    );
  });
});
