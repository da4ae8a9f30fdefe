import { describe, expect, it } from 'vitest';
import { ShownDocuments } from './ShownDocuments.js';

/** A resume token whose KeyString hex sorts like its position `n`. */
const at = (n: number) => ({ _data: `82${n.toString(16).toUpperCase().padStart(16, '0')}` });

describe('ShownDocuments', () => {
  it('tells a removal only of a document shown before it, once', () => {
    const shown = new ShownDocuments(10);
    expect(shown.mayRemove('x', at(1))).toBe(false);
    shown.showed('x', at(2));
    expect(shown.mayRemove('x', at(1))).toBe(false); // before it was shown
    expect(shown.mayRemove('x', at(3))).toBe(true);
    expect(shown.mayRemove('x', at(4))).toBe(false); // already removed since it was shown
    shown.showed('x', at(5));
    expect(shown.mayRemove('x', at(6))).toBe(true); // shown again, removed again
  });

  it('decides by position, so a member catching up is told the same removal again', () => {
    const shown = new ShownDocuments(10);
    shown.showed('x', at(2));
    expect(shown.mayRemove('x', at(7))).toBe(true);
    // A member resuming from position 4 re-evaluates event 7 with the same guard.
    expect(shown.mayRemove('x', at(7))).toBe(true);
    // One resuming from 1 re-evaluates the insert at 2 first: nothing moves backwards.
    shown.showed('x', at(2));
    expect(shown.mayRemove('x', at(7))).toBe(true);
    expect(shown.mayRemove('x', at(8))).toBe(false);
  });

  it('records removals decided from pre-images', () => {
    const shown = new ShownDocuments(10);
    shown.showed('x', at(1));
    shown.removed('x', at(2));
    expect(shown.mayRemove('x', at(3))).toBe(false);
  });

  it('forgets the least recently shown past its capacity (their removals are withheld)', () => {
    const shown = new ShownDocuments(2);
    shown.showed('a', at(1));
    shown.showed('b', at(2));
    shown.showed('a', at(3));
    shown.showed('c', at(4));
    expect(shown.size).toBe(2);
    expect(shown.mayRemove('b', at(5))).toBe(false);
    expect(shown.mayRemove('a', at(5))).toBe(true);
    expect(shown.mayRemove('c', at(5))).toBe(true);
  });

  it('orders tokens that are not KeyStrings by arrival', () => {
    const shown = new ShownDocuments(10);
    shown.showed('x', { _data: 'opaque' });
    expect(shown.mayRemove('x', { _data: 'later' })).toBe(true);
  });
});
