import { BSONRegExp } from 'bson';
import { describe, expect, it } from 'vitest';
import { explainFilter } from './explainFilter.js';

describe('explainFilter: why a document fails, as mongod reports validator failures', () => {
  it('explains the docs "contacts" example ($or of $type, $regex, $in)', () => {
    const re = new BSONRegExp('@mongodb\\.com$', '');
    const filter = {
      $or: [{ phone: { $type: 'string' } }, { email: { $regex: re } }, { status: { $in: ['Unknown', 'Incomplete'] } }],
    };
    expect(explainFilter(filter, { email: 'info@mongodb.co' })).toEqual({
      operatorName: '$or',
      clausesNotSatisfied: [
        {
          index: 0,
          details: { operatorName: '$type', specifiedAs: { phone: { $type: 'string' } }, reason: 'field was missing' },
        },
        {
          index: 1,
          details: {
            operatorName: '$regex',
            specifiedAs: { email: { $regex: re } },
            reason: 'regular expression did not match',
            consideredValue: 'info@mongodb.co',
          },
        },
        {
          index: 2,
          details: {
            operatorName: '$in',
            specifiedAs: { status: { $in: ['Unknown', 'Incomplete'] } },
            reason: 'field was missing',
          },
        },
      ],
    });
  });

  it('lists only the failing clauses of an implicit $and (several fields, several operators)', () => {
    expect(explainFilter({ qty: { $type: 'int', $gte: 0 }, name: 'x' }, { qty: -1, name: 'x' })).toEqual({
      operatorName: '$and',
      clausesNotSatisfied: [
        {
          index: 0,
          details: {
            operatorName: '$and',
            clausesNotSatisfied: [
              {
                index: 1,
                details: {
                  operatorName: '$gte',
                  specifiedAs: { qty: { $gte: 0 } },
                  reason: 'comparison failed',
                  consideredValue: -1,
                },
              },
            ],
          },
        },
      ],
    });
  });

  it('reports type mismatches, traversed arrays, types, $exists and implicit equality', () => {
    expect(explainFilter({ tags: { $size: 2 } }, { tags: 'a' })).toEqual({
      operatorName: '$size',
      specifiedAs: { tags: { $size: 2 } },
      reason: 'type did not match',
      consideredType: 'string',
      expectedType: 'array',
      consideredValue: 'a',
    });
    expect(explainFilter({ 'a.b': { $gt: 5 } }, { a: [{ b: 1 }, { b: [2, 3] }] })).toMatchObject({
      reason: 'comparison failed',
      consideredValues: [1, 2, 3],
    });
    expect(explainFilter({ n: { $type: 'string' } }, { n: 1.5 })).toEqual({
      operatorName: '$type',
      specifiedAs: { n: { $type: 'string' } },
      reason: 'type did not match',
      consideredValue: 1.5,
      consideredType: 'double',
    });
    expect(explainFilter({ a: { $exists: true } }, {})).toMatchObject({
      operatorName: '$exists',
      reason: 'path does not exist',
    });
    expect(explainFilter({ a: { $exists: false } }, { a: 1 })).toMatchObject({ reason: 'path does exist' });
    expect(explainFilter({ a: 1 }, { a: 2 })).toEqual({
      operatorName: '$eq',
      specifiedAs: { a: 1 },
      reason: 'comparison failed',
      consideredValue: 2,
    });
  });

  it('turns reasons around under $nor, $not, $ne and $nin', () => {
    // mongod names a failing $nor's list after what its clauses did: they were satisfied.
    expect(explainFilter({ $nor: [{ a: 1 }, { b: 1 }] }, { a: 1, b: 2 })).toEqual({
      operatorName: '$nor',
      clausesSatisfied: [
        {
          index: 0,
          details: { operatorName: '$eq', specifiedAs: { a: 1 }, reason: 'comparison succeeded', consideredValue: 1 },
        },
      ],
    });
    expect(explainFilter({ a: { $ne: 1 } }, { a: 1 })).toMatchObject({
      operatorName: '$ne',
      reason: 'comparison succeeded',
    });
    expect(explainFilter({ a: { $nin: [1, 2] } }, { a: 2 })).toMatchObject({
      operatorName: '$nin',
      reason: 'matching value found in array',
    });
    expect(explainFilter({ a: { $not: { $gt: 1 } } }, { a: 5 })).toEqual({
      operatorName: '$not',
      details: {
        operatorName: '$gt',
        specifiedAs: { a: { $gt: 1 } },
        reason: 'comparison succeeded',
        consideredValue: 5,
      },
    });
  });

  it('explains $expr, $jsonSchema clauses and leaves unknown operators generic', () => {
    expect(explainFilter({ $expr: { $gt: ['$a', 1] } }, { a: 0 })).toEqual({
      operatorName: '$expr',
      specifiedAs: { $expr: { $gt: ['$a', 1] } },
      reason: 'expression did not match',
      expressionResult: false,
    });
    expect(explainFilter({ $jsonSchema: { required: ['x'] } }, {})).toMatchObject({
      operatorName: '$jsonSchema',
      schemaRulesNotSatisfied: [{ operatorName: 'required', missingProperties: ['x'] }],
    });
    expect(explainFilter({ loc: { $geoWithin: { $center: [[0, 0], 1] } } }, { loc: [5, 5] })).toMatchObject({
      operatorName: '$geoWithin',
      reason: 'the document does not match this clause',
    });
  });
});
