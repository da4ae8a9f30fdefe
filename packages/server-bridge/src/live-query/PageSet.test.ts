import { describe, expect, it } from 'vitest';
import { Projection } from '../access/Projection.js';
import { LOOKAHEAD, PageSet } from './PageSet.js';
import { SortOrder } from './SortOrder.js';
import { valueKey } from './valueKey.js';

const none = { entered() {}, left() {} };
const setOf = (pageSize = 2) =>
  new PageSet(new SortOrder([['n', 1]]), Projection.compile(undefined), none, pageSize, 1000);
const docs = (...ns: number[]) => ns.map((n) => ({ _id: n, n }));
const numberOf = (v: unknown) => Number(Object.values(v as Record<string, string>)[0]); // { $numberInt } or { $numberDouble }
const ns = (set: PageSet) => set.pages().map((p) => p.map((d) => numberOf(d.n)));

describe('PageSet', () => {
  it('keeps hasNextPage true while a document after the range is known, asks for a read when none is', () => {
    const set = setOf();
    set.load(docs(1, 2, 3, 4), 1); // page [1, 2]; 3 and 4 known after it
    expect(set.hasNextPage).toBe(true);
    expect(set.needsProbe).toBe(false);
    set.apply(valueKey(3), null, false); // deleted
    expect(set.needsProbe).toBe(false);
    set.apply(valueKey(4), { _id: 4, n: 0 }, true); // moves into page 0
    expect(ns(set)).toEqual([[0, 1, 2]]);
    expect(set.needsProbe).toBe(true);
    expect(set.hasNextPage).toBe(true); // not known yet: the probe tells
    set.probed([]);
    expect(set.hasNextPage).toBe(false);
    expect(set.needsProbe).toBe(false);
    // Everything is loaded: the last page takes a later document.
    set.apply(valueKey(9), { _id: 9, n: 9 }, true);
    expect(ns(set)).toEqual([[0, 1, 2, 9]]);
  });

  it('learns of documents written after the range, and a probe that finds some keeps the range closed', () => {
    const set = setOf();
    set.load(docs(1, 2, 3), 1);
    set.apply(valueKey(7), { _id: 7, n: 7 }, true); // inserted after the range
    set.apply(valueKey(3), null, false);
    expect(set.needsProbe).toBe(false); // 7 is still there
    set.apply(valueKey(7), { _id: 7, n: 7, x: 1 }, false); // stops matching
    expect(set.needsProbe).toBe(true);
    set.probed(docs(8));
    expect(set.needsProbe).toBe(false);
    expect(set.hasNextPage).toBe(true);
    expect(set.upperBound).toEqual([2, 2]);
  });

  it('tracks at most LOOKAHEAD documents after the range', () => {
    const set = setOf();
    const after = Array.from({ length: LOOKAHEAD + 5 }, (_, i) => i + 3);
    set.load(docs(1, 2, ...after), 1);
    for (const n of after.slice(0, LOOKAHEAD - 1)) set.apply(valueKey(n), null, false);
    expect(set.needsProbe).toBe(false);
    set.apply(valueKey(after[LOOKAHEAD - 1] as number), null, false);
    expect(set.needsProbe).toBe(true); // the ones not tracked are found by the probe
  });

  it('a re-read of the range forgets what lies after it', () => {
    const set = setOf();
    set.load(docs(1, 2, 3), 1);
    set.refresh(docs(1, 2));
    expect(set.needsProbe).toBe(true);
  });

  it('moves a document between pages without leaving and re-entering the dispatch index', () => {
    const calls: string[] = [];
    const spy = { entered: (id: string) => calls.push(`+${id}`), left: (id: string) => calls.push(`-${id}`) };
    const set = new PageSet(new SortOrder([['n', 1]]), Projection.compile(undefined), spy, 2, 1000);
    set.load(docs(1, 2, 3, 4, 5), 2);
    calls.length = 0;
    expect(set.apply(valueKey(1), { _id: 1, n: 3.5 }, true)).toEqual([
      { page: 0, diffs: [{ op: 'removed', index: 0 }] },
      { page: 1, diffs: [{ op: 'added', index: 1, doc: expect.anything() }] },
    ]);
    expect(ns(set)).toEqual([[2], [3, 3.5, 4]]);
    expect(calls).toEqual([]);
    set.apply(valueKey(1), { _id: 1, n: 9 }, true); // leaves the loaded range
    set.apply(valueKey(6), { _id: 6, n: 0 }, true); // enters it
    expect(calls).toEqual([`-${valueKey(1)}`, `+${valueKey(6)}`]);
  });

  it('refuses an array on a sort path, loaded, after the range or written later', () => {
    const order = new SortOrder([['tags', 1]]);
    const make = () => new PageSet(order, Projection.compile(undefined), none, 2, 1000);
    expect(() => make().load([{ _id: 1, tags: ['b', 'a'] }], 1)).toThrow(/cannot sort on 'tags'/);
    expect(() =>
      make().load(
        [
          { _id: 1, tags: 'a' },
          { _id: 2, tags: 'b' },
          { _id: 3, tags: ['c'] },
        ],
        1,
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    const set = make();
    set.load([{ _id: 1, tags: 'a' }], 1);
    expect(() => set.apply(valueKey(2), { _id: 2, tags: ['z'] }, true)).toThrow(/array/);
    const nested = new PageSet(new SortOrder([['dims.w', -1]]), Projection.compile(undefined), none, 2, 1000);
    expect(() => nested.load([{ _id: 1, dims: [{ w: 1 }] }], 1)).toThrow(/'dims.w'/);
    nested.load([{ _id: 1, dims: { w: 1 } }, { _id: 2 }], 1); // scalars and missing fields are fine
    expect(nested.size).toBe(2);
  });
});
