import { isPlainObject } from './bsonType.js';

/**
 * Binds `$$NOW` in an expression tree to a given date. mingo reads `$$NOW` from its own clock, but
 * MongoDB gives one value per command (and change streams pass theirs), so callers' `NOW` wins.
 */
export function bindNow<T>(spec: T, variables: Record<string, unknown> | undefined): T {
  const now = variables?.NOW;
  if (!(now instanceof Date)) return spec;
  const walk = (v: unknown): unknown => {
    if (v === '$$NOW') return { $literal: now };
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) {
      if ('$literal' in v) return v;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) out[key] = walk(v[key]);
      return out;
    }
    return v;
  };
  return walk(spec) as T;
}
