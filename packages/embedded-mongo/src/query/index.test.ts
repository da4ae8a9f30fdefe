import { Decimal128, Int32, Long } from 'bson';
import { describe, expect, it } from 'vitest';
import {
  applyProjection,
  applyUpdate,
  compareValues,
  compileFilter,
  compileSort,
  runPipeline,
  upsertSeed,
} from './index.js';

describe('query engine entry points', () => {
  it('exposes a working filter, sort, projection, update, seed and pipeline', () => {
    expect(compileFilter({ a: { $gt: 1 } })({ a: 2 })).toBe(true);
    expect(compileFilter({ a: { $gt: 1 } })({ a: 1 })).toBe(false);
    expect([{ a: 2 }, { a: 1 }].sort(compileSort({ a: 1 }))).toEqual([{ a: 1 }, { a: 2 }]);
    expect(applyProjection({ _id: 1, a: 1, b: 2 }, { a: 1 })).toEqual({ _id: 1, a: 1 });
    expect(applyUpdate({ _id: 1, a: 1 }, { $set: { b: 2 } })).toEqual({ _id: 1, a: 1, b: 2 });
    expect(upsertSeed({ a: 1, b: { $gt: 2 } })).toEqual({ a: 1 });
    expect(runPipeline([{ a: 1 }, { a: 2 }], [{ $match: { a: 2 } }])).toEqual([{ a: 2 }]);
  });

  it('compares BSON numbers numerically', () => {
    expect(compareValues(new Int32(5), Long.fromNumber(5))).toBe(0);
    expect(compareValues(Decimal128.fromString('1.0'), 1)).toBe(0);
    expect(compareValues(Decimal128.fromString('0.1'), 0.1)).not.toBe(0);
  });
});
