import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, resolveLimits } from './limits.js';

describe('resolveLimits', () => {
  it('fills defaults and keeps overrides', () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ batchSize: 7 }).batchSize).toBe(7);
  });
  it('refuses nonsense', () => {
    expect(() => resolveLimits({ batchSize: 0 })).toThrow(TypeError);
    expect(() => resolveLimits({ maxDepth: 1.5 })).toThrow(TypeError);
    expect(() => resolveLimits({ nope: 1 } as never)).toThrow(/unknown limit/);
  });
});
