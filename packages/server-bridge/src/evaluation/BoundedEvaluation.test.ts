import { BSONRegExp, Timestamp } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../errors.js';
import { BoundedFilter, BoundedPipeline } from './BoundedEvaluation.js';
import { DEFAULT_EVALUATION_LIMITS, type EvaluationError, type EvaluationLimits } from './EvaluationBudget.js';

const limits: EvaluationLimits = { ...DEFAULT_EVALUATION_LIMITS, maxEvaluationMs: 10_000 };

function failure(fn: () => unknown): { code: string; message: string; scope?: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (!(error instanceof BridgeError)) throw error;
    return { code: error.code, message: error.message, scope: (error as EvaluationError).scope };
  }
}

describe('BoundedFilter', () => {
  it('matches like MongoDB, with BSON regexes as patterns and $comment ignored', () => {
    const f = new BoundedFilter({ name: new BSONRegExp('^an', 'i'), $comment: 'from the UI', n: { $gt: 1 } }, limits);
    expect(f.test({ name: 'Anna', n: 2 })).toBe(true);
    expect(f.test({ name: 'Bob', n: 2 })).toBe(false);
    const inList = new BoundedFilter({ tag: { $in: [new BSONRegExp('^x'), 'y'] } }, limits);
    expect([inList.test({ tag: 'xa' }), inList.test({ tag: 'y' }), inList.test({ tag: 'z' })]).toEqual([
      true,
      true,
      false,
    ]);
    const not = new BoundedFilter({ name: { $not: new BSONRegExp('^a') } }, limits);
    expect([not.test({ name: 'ab' }), not.test({ name: 'b' })]).toEqual([false, true]);
    const byString = new BoundedFilter({ name: { $regex: 'N+A$', $options: 'i' } }, limits);
    expect(byString.test({ name: 'anna' })).toBe(true);
  });

  it('runs catastrophic patterns in linear time', () => {
    const f = new BoundedFilter({ s: new BSONRegExp('(a+)+$') }, limits);
    expect(f.test({ s: `${'a'.repeat(5000)}b` })).toBe(false);
    const expr = new BoundedFilter({ $expr: { $regexMatch: { input: '$s', regex: '(a|aa)+$' } } }, limits);
    expect(expr.test({ s: `${'a'.repeat(5000)}b` })).toBe(false);
  });

  it('refuses patterns that need backtracking, and unknown options', () => {
    expect(failure(() => new BoundedFilter({ s: new BSONRegExp('(a)\\1') }, limits))?.code).toBe('INVALID_REQUEST');
    expect(failure(() => new BoundedFilter({ s: new BSONRegExp('a', 'x') }, limits))?.code).toBe('INVALID_REQUEST');
    const lookahead = new BoundedFilter({ $expr: { $regexMatch: { input: '$s', regex: 'a(?=b)' } } }, limits);
    expect(failure(() => lookahead.test({ s: 'ab' }))?.code).toBe('INVALID_REQUEST');
  });

  it('caps regex input length', () => {
    const f = new BoundedFilter({ s: new BSONRegExp('z') }, { ...limits, maxRegexInputLength: 100 });
    expect(failure(() => f.test({ s: 'a'.repeat(101) }))).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      scope: 'subscription',
    });
    expect(f.test({ s: 'z'.repeat(100) })).toBe(true);
  });

  it('refuses a $range larger than maxEvaluatedArrayLength before building it', () => {
    const f = new BoundedFilter({ $expr: { $gt: [{ $size: { $range: [0, '$n'] } }, 0] } }, limits);
    expect(f.test({ n: 10 })).toBe(true);
    const big = failure(() => f.test({ n: 2_000_000_000 }));
    expect(big).toMatchObject({ code: 'LIMIT_EXCEEDED', scope: 'subscription' });
    expect(big?.message).toMatch(/\$range would build an array of 2000000000 elements.*maxEvaluatedArrayLength/);
  });

  it('bounds exponential growth through $reduce and $concat', () => {
    const doubling = {
      $expr: {
        $gt: [
          {
            $strLenCP: {
              $reduce: { input: { $range: [0, 40] }, initialValue: 'ab', in: { $concat: ['$$value', '$$value'] } },
            },
          },
          0,
        ],
      },
    };
    expect(failure(() => new BoundedFilter(doubling, limits).test({}))).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    const arrays = {
      $expr: {
        $reduce: { input: { $range: [0, 40] }, initialValue: [1], in: { $concatArrays: ['$$value', '$$value'] } },
      },
    };
    expect(failure(() => new BoundedFilter(arrays, limits).test({}))).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    const replace = { $expr: { $replaceAll: { input: '$s', find: 'a', replacement: 'x'.repeat(1000) } } };
    expect(failure(() => new BoundedFilter(replace, limits).test({ s: 'a'.repeat(5000) }))?.message).toMatch(
      /maxEvaluatedStringLength/,
    );
  });

  it('stops an evaluation that needs more than maxEvaluationOps operations', () => {
    const heavy = { $expr: { $map: { input: { $range: [0, 50_000] }, in: { $add: ['$$this', 1] } } } };
    const f = new BoundedFilter(heavy, { ...limits, maxEvaluationOps: 10_000 });
    expect(failure(() => f.test({}))?.message).toMatch(/maxEvaluationOps \(10000\)/);
    // The budget is per evaluation: a cheap document right after still works.
    const cheap = new BoundedFilter({ $expr: { $eq: ['$a', 1] } }, { ...limits, maxEvaluationOps: 10_000 });
    expect(cheap.test({ a: 1 })).toBe(true);
  });

  it('fails only when armed: a $toInt that throws later is an EvaluationError for that subscription', () => {
    const armed = { $expr: { $cond: [{ $gt: ['$armed', 0] }, { $eq: [{ $toInt: 'x' }, 1] }, true] } };
    const f = new BoundedFilter(armed, limits);
    expect(f.test({ armed: 0 })).toBe(true);
    const e = failure(() => f.test({ armed: 1 }));
    expect(e).toMatchObject({ code: 'SERVER_ERROR', scope: 'subscription' });
    expect(e?.message).toMatch(/^the filter failed on a document/);
  });

  it('knows $$NOW and $$CLUSTER_TIME', () => {
    const f = new BoundedFilter(
      { $expr: { $and: [{ $lt: ['$at', '$$NOW'] }, { $gt: ['$$CLUSTER_TIME', '$ts'] }] } },
      limits,
    );
    const ts = new Timestamp({ t: 100, i: 1 });
    expect(f.test({ at: new Date(0), ts: new Timestamp({ t: 50, i: 0 }) }, ts)).toBe(true);
    expect(f.test({ at: new Date(0), ts: new Timestamp({ t: 200, i: 0 }) }, ts)).toBe(false);
  });

  it('refuses forbidden operators and prototype paths even if a guard upstream missed them', () => {
    expect(failure(() => new BoundedFilter({ $where: 'true' }, limits))?.code).toBe('INVALID_REQUEST');
    expect(failure(() => new BoundedFilter({ 'constructor.name': 'Object' }, limits))?.code).toBe('INVALID_REQUEST');
    const getField = new BoundedFilter(
      { $expr: { $eq: [{ $getField: { field: 'constructor', input: '$$ROOT' } }, 1] } },
      limits,
    );
    expect(failure(() => getField.test({}))?.code).toBe('SERVER_ERROR');
  });
});

describe('BoundedPipeline', () => {
  it('runs a regex $match on change events', () => {
    const p = new BoundedPipeline([{ $match: { 'fullDocument.name': new BSONRegExp('^a') } }], limits);
    expect(p.run({ _id: 1, fullDocument: { name: 'ann' } })).toEqual({ _id: 1, fullDocument: { name: 'ann' } });
    expect(p.run({ _id: 2, fullDocument: { name: 'bob' } })).toBeUndefined();
  });

  it('refuses a huge $range in $addFields as LIMIT_EXCEEDED, not a crash', () => {
    const p = new BoundedPipeline([{ $addFields: { x: { $range: [0, 1e9] } } }], limits);
    expect(failure(() => p.run({ _id: 1 }))).toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });

  it('sets $$CLUSTER_TIME from the event', () => {
    const p = new BoundedPipeline([{ $addFields: { at: '$$CLUSTER_TIME' } }], limits);
    const ts = new Timestamp({ t: 7, i: 3 });
    expect(p.run({ _id: 1 }, ts)?.at).toEqual(ts);
  });
});
