import { bsonTypeOf, CANONICAL_RANK, compareValues } from '@mongo-live/bson-order';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bsonScalar } from '../../../../bson-order/src/testing/bsonArbitraries.js';
import { compileFilter } from './compileFilter.js';

const rank = (v: unknown) => CANONICAL_RANK[bsonTypeOf(v)];
const isNaNValue = (v: unknown) => rank(v) === 10 && compareValues(v, Number.NaN) === 0;
const isRegex = (v: unknown) => bsonTypeOf(v) === 'regex';
const isBound = (v: unknown) => bsonTypeOf(v) === 'minKey' || bsonTypeOf(v) === 'maxKey';

describe('compileFilter properties', () => {
  it('equality agrees with compareValues on scalars', () => {
    fc.assert(
      fc.property(bsonScalar, bsonScalar, (value, constant) => {
        fc.pre(!isRegex(constant));
        const expected = rank(value) === rank(constant) && compareValues(value, constant) === 0;
        expect(compileFilter({ a: { $eq: constant } })({ a: value })).toBe(expected);
        expect(compileFilter({ a: { $ne: constant } })({ a: value })).toBe(!expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('range operators use type bracketing and compareValues', () => {
    fc.assert(
      fc.property(bsonScalar, bsonScalar, fc.constantFrom('$gt', '$gte', '$lt', '$lte'), (value, constant, op) => {
        fc.pre(!isBound(constant) && value !== undefined);
        const c = compareValues(value, constant);
        const comparable = rank(value) === rank(constant) && !(isNaNValue(value) !== isNaNValue(constant));
        const holds = op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0;
        const nanOnly = isNaNValue(value) && isNaNValue(constant) ? op === '$gte' || op === '$lte' : holds;
        expect(compileFilter({ a: { [op]: constant } })({ a: value })).toBe(comparable && nanOnly);
      }),
      { numRuns: 3000 },
    );
  });

  it('$in equals an $or of equalities (property)', () => {
    fc.assert(
      fc.property(fc.array(bsonScalar, { maxLength: 6 }), bsonScalar, (list, value) => {
        const constants = list.filter((c) => !isRegex(c));
        const expected = constants.some((c) => compileFilter({ a: { $eq: c } })({ a: value }));
        expect(compileFilter({ a: { $in: constants } })({ a: value })).toBe(expected);
        expect(compileFilter({ a: { $nin: constants } })({ a: value })).toBe(!expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('a scalar condition on an array matches when any element (or the array) matches', () => {
    fc.assert(
      fc.property(fc.array(bsonScalar, { maxLength: 4 }), bsonScalar, (values, constant) => {
        fc.pre(!isRegex(constant) && !isBound(constant));
        const one = compileFilter({ a: { $gte: constant } });
        // A scalar constant never equals a whole array, so only elements can match.
        const expected = values.some((v) => one({ a: v }));
        expect(one({ a: values })).toBe(expected);
        const any = values.some((v) => compileFilter({ a: constant })({ a: v }));
        expect(compileFilter({ a: constant })({ a: values })).toBe(any);
      }),
      { numRuns: 2000 },
    );
  });
});
