import { compareStringsBinary } from '@mongo-live/bson-order';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../errors.js';
import { collationComparator } from './collation.js';

describe('collationComparator', () => {
  it('is binary without a collation or with locale simple', () => {
    expect(collationComparator(undefined)).toBe(compareStringsBinary);
    expect(collationComparator({ locale: 'simple' })).toBe(compareStringsBinary);
  });

  it('accepts ICU locale spellings and honours strength', () => {
    const secondary = collationComparator({ locale: 'en_US', strength: 2 });
    expect(secondary('PING', 'ping')).toBe(0);
    expect(secondary('é', 'e')).not.toBe(0);
    const primary = collationComparator({ locale: 'fr', strength: 1 });
    expect(primary('é', 'E')).toBe(0);
    const tertiary = collationComparator({ locale: 'en' });
    expect(tertiary('a', 'A')).not.toBe(0);
  });

  it('orders numbers inside strings with numericOrdering', () => {
    const numeric = collationComparator({ locale: 'en', numericOrdering: true });
    expect(numeric('a10', 'a9')).toBeGreaterThan(0);
    expect(collationComparator({ locale: 'en' })('a10', 'a9')).toBeLessThan(0);
  });

  it('rejects a collation without a locale', () => {
    expect(() => collationComparator({ strength: 2 })).toThrow(CommandError);
  });
});
