import { describe, expect, it } from 'vitest';
import { ShownDocuments, ShownLedger } from './ShownDocuments.js';

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

describe('ShownLedger', () => {
  it('shares its limit equally between the streams holding documents, and gives shares back', () => {
    const ledger = new ShownLedger(10, 8);
    const a = new ShownDocuments(ledger);
    const b = new ShownDocuments(ledger);
    for (let i = 1; i <= 9; i++) a.showed(`a${i}`, at(i));
    expect(a.size).toBe(8); // alone: at most perStream
    expect(ledger.streams).toBe(1); // b showed nothing: it holds no share
    b.showed('b1', at(20));
    expect(ledger.share).toBe(5);
    expect(a.size).toBe(5); // trimmed when b joined: the oldest went
    expect(ledger.documents).toBeLessThanOrEqual(10);
    expect(a.mayRemove('a4', at(30))).toBe(false); // forgotten: its removal is withheld
    expect(a.mayRemove('a9', at(30))).toBe(true);
    for (let i = 2; i <= 9; i++) b.showed(`b${i}`, at(20 + i));
    expect(b.size).toBe(5);
    expect(ledger.documents).toBe(10);
    b.dispose();
    expect(ledger.streams).toBe(1);
    for (let i = 40; i <= 50; i++) a.showed(`a${i}`, at(i));
    expect(a.size).toBe(8); // its whole share again
  });
});
