import type { LiveCountUpdate, WireError } from '@mongo-live/protocol';
import { describe, expect, it } from 'vitest';
import { normalizeNumbers } from './normalize.js';
import { SharedLiveCount } from './SharedLiveCount.js';
import { valueKey } from './valueKey.js';

function setup(filter: Record<string, unknown>, max = 10) {
  const updates: LiveCountUpdate[] = [];
  const errors: WireError[] = [];
  const members = new Set<string>();
  const count = new SharedLiveCount(
    'c:test',
    filter,
    { emitCount: (_id, u) => updates.push(u), emitError: (_id, e) => errors.push(e) },
    { entered: (id) => members.add(id), left: (id) => members.delete(id) },
    max,
  );
  const write = (id: number, doc: Record<string, unknown> | null) =>
    count.publish(count.apply(valueKey(id), doc, doc ? normalizeNumbers(doc) : null).diffs);
  return { count, updates, errors, members, write };
}

describe('SharedLiveCount', () => {
  it('counts by the ids it tracks: a delete or update of an uncounted document changes nothing', () => {
    const { count, updates, members, write } = setup({ s: 'open' });
    count.load([{ _id: 1 }, { _id: 2 }]);
    expect(count.snapshot()).toEqual({ countId: 'c:test', count: 2, version: 0 });
    write(3, null); // not counted
    write(4, { _id: 4, s: 'done' }); // does not match
    write(1, { _id: 1, s: 'open', x: 1 }); // still counted
    expect(updates).toEqual([]);
    write(1, { _id: 1, s: 'done' }); // leaves
    write(5, { _id: 5, s: 'open' }); // enters
    write(2, null); // deleted
    expect(updates.map((u) => [u.version, u.count])).toEqual([
      [1, 1],
      [2, 2],
      [3, 1],
    ]);
    expect([...members]).toEqual([valueKey(5)]);
  });

  it('refresh tells the new count once; an excess ends the count alone with LIMIT_EXCEEDED', () => {
    const { count, updates, errors, write } = setup({}, 2);
    count.load([{ _id: 1 }]);
    count.publish(count.refresh([{ _id: 1 }, { _id: 2 }]));
    count.publish(count.refresh([{ _id: 1 }, { _id: 2 }]));
    expect(updates.map((u) => u.count)).toEqual([2]);
    expect(() => write(3, { _id: 3 })).toThrow(/at most 2/);
    expect(count.refresh([{ _id: 1 }, { _id: 2 }, { _id: 3 }])).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['LIMIT_EXCEEDED']);
    expect(() => setup({}, 1).count.load([{ _id: 1 }, { _id: 2 }])).toThrow(/maxCountedDocuments/);
  });
});
