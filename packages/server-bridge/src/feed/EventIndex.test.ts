import { describe, expect, it } from 'vitest';
import { dispatchPredicateOf } from './dispatchPredicate.js';
import { EventIndex } from './EventIndex.js';

const insert = (doc: Record<string, unknown>) => ({
  operationType: 'insert',
  ns: { db: 'd', coll: 'c' },
  documentKey: { _id: doc._id },
  fullDocument: doc,
});

describe('dispatchPredicateOf', () => {
  it('prefers the most selective equality: _id, then a pipeline field, then a row-filter field, then ns.coll / operationType', () => {
    expect(dispatchPredicateOf({ rowFilter: { _id: 7, owner: 'a' }, pipeline: [] })).toMatchObject({ dim: 'docId' });
    expect(
      dispatchPredicateOf({ rowFilter: { tenant: 't' }, pipeline: [{ $match: { 'fullDocument.owner': 'o' } }] }),
    ).toMatchObject({
      dim: 'field',
      path: 'owner',
      removals: false,
    });
    expect(dispatchPredicateOf({ rowFilter: { owner: { $in: ['a', 'b'] } }, pipeline: [] })).toMatchObject({
      dim: 'field',
      removals: true,
    });
    expect(dispatchPredicateOf({ pipeline: [{ $match: { operationType: 'insert' } }] })).toMatchObject({ dim: 'op' });
  });

  it('does not index what is not a plain equality (regex, null, operators, arrays)', () => {
    for (const value of [/a/, null, { $gt: 1 }, ['a']])
      expect(dispatchPredicateOf({ rowFilter: { owner: value }, pipeline: [] })).toBeUndefined();
  });

  it("widens an operationType 'delete' match when a row filter may turn updates into removals", () => {
    const p = dispatchPredicateOf({
      rowFilter: { owner: { $gt: 'a' } },
      pipeline: [{ $match: { operationType: 'delete' } }],
    });
    expect(p?.dim === 'op' && p.keys.length).toBe(3);
  });
});

describe('EventIndex', () => {
  it('hands an event only to the subscriptions whose equality it satisfies, plus unindexed ones', () => {
    const index = new EventIndex<string>();
    index.add('ann', dispatchPredicateOf({ rowFilter: { owner: 'ann' }, pipeline: [] }));
    index.add('bob', dispatchPredicateOf({ rowFilter: { owner: 'bob' }, pipeline: [] }));
    index.add('all', undefined);
    expect(index.candidates(insert({ _id: 1, owner: 'ann' }))).toEqual(new Set(['all', 'ann']));
    expect(index.candidates(insert({ _id: 2, owner: ['bob', 'x'] }))).toEqual(new Set(['all', 'bob']));
    index.remove('ann');
    expect(index.candidates(insert({ _id: 3, owner: 'ann' }))).toEqual(new Set(['all']));
  });

  it('without a pre-image, deletes and updates that touch a row-filter field reach every row-filtered subscription', () => {
    const index = new EventIndex<string>();
    index.add('ann', dispatchPredicateOf({ rowFilter: { owner: 'ann' }, pipeline: [] }));
    index.add('bob', dispatchPredicateOf({ rowFilter: { owner: 'bob' }, pipeline: [] }));
    const del = { operationType: 'delete', documentKey: { _id: 1 } };
    expect(index.candidates(del).size).toBe(2);
    const moved = {
      operationType: 'update',
      documentKey: { _id: 1 },
      fullDocument: { _id: 1, owner: 'bob' },
      updateDescription: { updatedFields: { owner: 'bob' }, removedFields: [] },
    };
    expect(index.candidates(moved)).toEqual(new Set(['ann', 'bob']));
    const untouched = { ...moved, updateDescription: { updatedFields: { n: 1 }, removedFields: [] } };
    expect(index.candidates(untouched)).toEqual(new Set(['bob']));
    // With a pre-image the bridge can place it: only old and new owners.
    expect(index.candidates({ ...del, fullDocumentBeforeChange: { _id: 1, owner: 'ann' } })).toEqual(new Set(['ann']));
  });

  it('sends DDL and invalidate events to every subscription (their own stages decide)', () => {
    const index = new EventIndex<string>();
    index.add('ann', dispatchPredicateOf({ rowFilter: { owner: 'ann' }, pipeline: [] }));
    expect(index.candidates({ operationType: 'invalidate' })).toEqual(new Set(['ann']));
  });
});
