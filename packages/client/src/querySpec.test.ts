import { describe, expect, it } from 'vitest';
import { querySpecOf } from './querySpec.js';

describe('querySpecOf', () => {
  it('refuses $meta sorts with INVALID_REQUEST', () => {
    expect(() => querySpecOf('shop', 'p', {}, { sort: { score: { $meta: 'textScore' } } })).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST' }),
    );
  });
});
