import { describe, expect, it } from 'vitest';
import { compileProjection } from './projection.js';

describe('compileProjection', () => {
  const doc = { _id: 1, a: 1, b: { c: 2, d: 3 }, arr: [{ x: 1, y: 2 }, 5], s: 'secret' };

  it('includes paths (and _id unless excluded), through arrays', () => {
    expect(compileProjection({ a: 1, 'b.c': 1, 'arr.x': 1 })(doc)).toEqual({
      _id: 1,
      a: 1,
      b: { c: 2 },
      arr: [{ x: 1 }],
    });
    expect(compileProjection({ a: 1, _id: 0 })(doc)).toEqual({ a: 1 });
  });

  it('excludes paths', () => {
    expect(compileProjection({ s: 0, 'b.d': 0, 'arr.y': false })(doc)).toEqual({
      _id: 1,
      a: 1,
      b: { c: 2 },
      arr: [{ x: 1 }, 5],
    });
    expect(compileProjection({ _id: 0 })(doc)).not.toHaveProperty('_id');
  });

  it('refuses operators and mixed modes', () => {
    expect(() => compileProjection({ arr: { $slice: 1 } })).toThrow(/only 0\/1/);
    expect(() => compileProjection({ a: 1, s: 0 })).toThrow(/mix/);
  });
});
