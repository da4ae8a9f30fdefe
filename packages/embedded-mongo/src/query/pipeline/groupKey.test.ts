import { bsonTypeOf, CANONICAL_RANK, compareValues } from '@mongo-live/bson-order';
import { Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bsonNumber, bsonScalar } from '../../../../bson-order/src/testing/bsonArbitraries.js';

const rank = (v: unknown) => CANONICAL_RANK[bsonTypeOf(v)];

import { groupKey } from './groupKey.js';

describe('groupKey', () => {
  it('is equal for numerically equal values of any type', () => {
    const keys = [5, new Int32(5), new Double(5), Long.fromNumber(5), Decimal128.fromString('5.00'), 5n].map(groupKey);
    expect(new Set(keys).size).toBe(1);
    expect(groupKey(0.1)).not.toBe(groupKey(Decimal128.fromString('0.1')));
    expect(groupKey(0.5)).toBe(groupKey(Decimal128.fromString('0.50')));
  });

  it('puts null and missing together, separates strings from numbers', () => {
    expect(groupKey(null)).toBe(groupKey(undefined));
    expect(groupKey('1')).not.toBe(groupKey(1));
    const id = new ObjectId();
    expect(groupKey({ a: id })).toBe(groupKey({ a: new ObjectId(id.toHexString()) }));
    expect(groupKey({ a: 1, b: 2 })).not.toBe(groupKey({ b: 2, a: 1 }));
  });

  it('is equal exactly when scalars of other types compare equal (property)', () => {
    fc.assert(
      fc.property(bsonScalar, bsonScalar, (a, b) => {
        expect(groupKey(a) === groupKey(b)).toBe(compareValues(a, b) === 0 && rank(a) === rank(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('is equal exactly when numbers compare equal (property)', () => {
    fc.assert(
      fc.property(bsonNumber, bsonNumber, (a, b) => {
        expect(groupKey(a) === groupKey(b)).toBe(compareValues(a, b) === 0);
      }),
      { numRuns: 3000 },
    );
  });
});
