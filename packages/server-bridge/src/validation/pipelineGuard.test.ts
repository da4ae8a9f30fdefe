import { describe, expect, it } from 'vitest';
import { BridgeError } from '../errors.js';
import { FORBIDDEN_OPERATORS, guardOperators, guardPipeline } from './pipelineGuard.js';

function errorOf(fn: () => void): BridgeError | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof BridgeError) return error;
    throw error;
  }
}

describe('guardPipeline', () => {
  it('accepts every allowed stage', () => {
    const pipeline = [
      { $match: { operationType: 'insert', $expr: { $gt: ['$fullDocument.n', 1] } } },
      { $project: { fullDocument: 1 } },
      { $addFields: { x: 1 } },
      { $set: { y: { $let: { vars: { a: 1 }, in: '$$a' } } } },
      { $unset: 'y' },
      { $replaceRoot: { newRoot: '$$ROOT' } },
      { $replaceWith: '$$ROOT' },
      { $redact: '$$KEEP' },
    ];
    expect(() => guardPipeline(pipeline, 20)).not.toThrow();
  });

  it.each(['$lookup', '$graphLookup', '$unionWith', '$out', '$merge', '$group', '$sort', '$facet', '$sample'])(
    'refuses the stage %s with UNAUTHORIZED naming it',
    (stage) => {
      const error = errorOf(() => guardPipeline([{ $match: {} }, { [stage]: {} }], 20));
      expect(error?.code).toBe('UNAUTHORIZED');
      expect(error?.message).toContain(stage);
    },
  );

  const deepCases: Array<[string, unknown]> = [
    ['$function in $expr', { $match: { $expr: { $function: { body: 'return 1', args: [], lang: 'js' } } } }],
    ['$where in $or', { $match: { $or: [{ a: 1 }, { $where: 'sleep(100)' }] } }],
    ['$accumulator in $let', { $set: { x: { $let: { vars: { v: { $accumulator: {} } }, in: '$$v' } } } }],
    ['$lookup in an array', { $addFields: { x: [1, [2, { $lookup: { from: 'other' } }]] } }],
    ['$unionWith inside $cond', { $redact: { $cond: [{ $eq: [1, 1] }, { $unionWith: 'c' }, '$$KEEP'] } }],
    ['$code (JavaScript)', { $match: { a: { $code: 'function(){}' } } }],
    ['$merge deep', { $replaceWith: { a: { b: { c: { d: { $merge: { into: 'x' } } } } } } }],
  ];
  it.each(deepCases)('refuses %s at any depth, naming the operator', (_name, stage) => {
    const error = errorOf(() => guardPipeline([stage], 20));
    expect(error?.code).toBe('UNAUTHORIZED');
    const op = [...FORBIDDEN_OPERATORS].find((o) => JSON.stringify(stage).includes(`"${o}"`));
    expect(error?.message).toContain(op);
  });

  it('refuses malformed stages with INVALID_REQUEST', () => {
    expect(errorOf(() => guardPipeline([{ $match: {}, $project: {} }], 20))?.code).toBe('INVALID_REQUEST');
    expect(errorOf(() => guardPipeline([{}], 20))?.code).toBe('INVALID_REQUEST');
    expect(errorOf(() => guardPipeline(['$match'], 20))?.code).toBe('INVALID_REQUEST');
    expect(errorOf(() => guardPipeline([[{ $match: {} }]], 20))?.code).toBe('INVALID_REQUEST');
    for (const stage of [
      { $project: 'x' },
      { $match: [] },
      { $unset: 5 },
      { $unset: [] },
      { $replaceRoot: { root: 1 } },
    ])
      expect(errorOf(() => guardPipeline([stage], 20))?.message).toContain(Object.keys(stage)[0]);
  });

  it('limits the number of stages', () => {
    expect(errorOf(() => guardPipeline([{ $match: {} }, { $match: {} }, { $match: {} }], 2))?.code).toBe(
      'LIMIT_EXCEEDED',
    );
  });
});

describe('guardOperators', () => {
  it('passes plain filters and refuses forbidden operators anywhere', () => {
    expect(() => guardOperators({ a: { $in: [1, 2] }, $and: [{ b: { $regex: 'x' } }] }, 'filter')).not.toThrow();
    expect(errorOf(() => guardOperators({ $and: [{ $nor: [{ $where: '1' }] }] }, 'filter'))?.message).toContain(
      'filter.$and[0].$nor[0].$where',
    );
  });
});
