import { Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { equalityPredicateOf, indexKeysAt } from './equality.js';
import { normalizeNumbers } from './normalize.js';
import { QueryIndex } from './QueryIndex.js';
import { valueKey } from './valueKey.js';

describe('equalityPredicateOf', () => {
  it('finds field equalities, $eq, $in and $and parts, and refuses null, regex and operators', () => {
    expect(equalityPredicateOf({ status: 'open', n: { $gt: 1 } })).toEqual({ path: 'status', keys: ['sopen'] });
    expect(equalityPredicateOf({ n: { $eq: Long.fromNumber(5) } })).toEqual({ path: 'n', keys: ['n5'] });
    expect(equalityPredicateOf({ $and: [{ n: { $gt: 1 } }, { 'a.b': true }] })).toEqual({ path: 'a.b', keys: ['T'] });
    expect(equalityPredicateOf({ k: { $in: ['x', 'y'] } })).toEqual({ path: 'k', keys: ['sx', 'sy'] });
    expect(equalityPredicateOf({ k: null })).toBeUndefined();
    expect(equalityPredicateOf({ k: /x/ })).toBeUndefined();
    expect(equalityPredicateOf({ $or: [{ a: 1 }, { b: 2 }] })).toBeUndefined();
  });

  it('keys a document under each array element and the array itself', () => {
    expect(indexKeysAt({ tags: ['a', 'b'] }, 'tags')).toEqual([valueKey(['a', 'b']), 'sa', 'sb']);
    expect(indexKeysAt({ a: [{ b: 1 }, { b: 2 }] }, 'a.b')).toEqual(['n1', 'n2']);
    expect(indexKeysAt({}, 'x')).toEqual([]);
  });
});

describe('QueryIndex', () => {
  it('dispatches by equality value, by held document, and always to unindexed queries', () => {
    const index = new QueryIndex<string>();
    index.add('open', equalityPredicateOf({ status: 'open' }));
    index.add('closed', equalityPredicateOf({ status: 'closed' }));
    index.add('scan', equalityPredicateOf({ n: { $gt: 1 } }));
    const id = valueKey(new ObjectId());
    expect(index.candidates(id, { status: 'open' })).toEqual(new Set(['scan', 'open']));
    index.docEntered(id, 'open');
    // The document left 'open' (now closed): found through the id map, and 'closed' by value.
    expect(index.candidates(id, { status: 'closed' })).toEqual(new Set(['scan', 'open', 'closed']));
    expect(index.candidates(id, null)).toEqual(new Set(['scan', 'open']));
    index.remove('open', [id]);
    expect(index.candidates(id, null)).toEqual(new Set(['scan']));
    expect(index.size).toBe(2);
  });

  it('matches numbers of any BSON type by value', () => {
    const index = new QueryIndex<string>();
    index.add('five', equalityPredicateOf({ n: Long.fromNumber(5) }));
    expect(index.candidates('x', normalizeNumbers({ n: 5 }))).toEqual(new Set(['five']));
  });

  it('scales: 10,000 equality queries, one candidate per write', () => {
    const index = new QueryIndex<number>();
    for (let i = 0; i < 10_000; i++) index.add(i, equalityPredicateOf({ userId: i }));
    expect(index.candidates('x', { userId: 4242 })).toEqual(new Set([4242]));
  });
});
