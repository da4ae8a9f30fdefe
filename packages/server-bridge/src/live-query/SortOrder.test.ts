import { describe, expect, it } from 'vitest';
import { SortOrder } from './SortOrder.js';

describe('SortOrder', () => {
  it('uses the smallest array element ascending, the largest descending, and _id last', () => {
    const asc = new SortOrder([['n', 1]]);
    const desc = new SortOrder([['n', -1]]);
    const a = { _id: 1, n: [1, 9] };
    const b = { _id: 2, n: 5 };
    expect(asc.compare(asc.keysOf(a), asc.keysOf(b))).toBe(-1);
    expect(desc.compare(desc.keysOf(a), desc.keysOf(b))).toBe(-1);
    expect(asc.compare(asc.keysOf({ _id: 1, n: 1 }), asc.keysOf({ _id: 2, n: 1 }))).toBe(-1);
    expect(asc.mongoSort).toEqual([
      ['n', 1],
      ['_id', 1],
    ]);
  });
});
