import { type EJSONDocument, encode } from '@mongo-live/protocol';
import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { applyDiffs, EMPTY_LIST, listOf, reconcile } from './DocList.js';

const wire = (doc: object) => encode(doc) as EJSONDocument;

describe('DocList', () => {
  const a = { _id: 1, n: 'a' };
  const b = { _id: 2, n: 'b' };
  const c = { _id: 3, n: 'c' };

  it('applies added, changed, moved and removed in order, keeping untouched documents', () => {
    const list = listOf([a, b]);
    const next = applyDiffs(list, [
      { op: 'added', index: 2, doc: wire(c) },
      { op: 'moved', from: 0, to: 2 },
      { op: 'changed', index: 0, doc: wire({ _id: 2, n: 'B' }) },
      { op: 'removed', index: 1 },
    ]);
    expect(next.docs).toEqual([{ _id: 2, n: 'B' }, a]);
    expect(next.docs[1]).toBe(a);
  });

  it('returns the same list when a reset has equal content', () => {
    const list = listOf([a]);
    expect(applyDiffs(list, [{ op: 'reset', docs: [wire(a)] }])).toBe(list);
  });

  it('reuses identities on a fresh snapshot by _id and content', () => {
    const id = new ObjectId();
    const x = { _id: id, v: 1 };
    const list = listOf([x, b]);
    const next = reconcile(list, [wire({ _id: 2, n: 'changed' }), wire({ _id: new ObjectId(id.toHexString()), v: 1 })]);
    expect(next.docs[1]).toBe(x);
    expect(next.docs[0]).not.toBe(b);
    expect(reconcile(EMPTY_LIST, []).docs).toEqual([]);
  });

  it('moves with a new content replace the document', () => {
    const next = applyDiffs(listOf([a, b]), [{ op: 'moved', from: 1, to: 0, doc: wire({ _id: 2, n: 'x' }) }]);
    expect(next.docs).toEqual([{ _id: 2, n: 'x' }, a]);
  });
});
