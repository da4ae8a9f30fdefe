import type { Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { applyUpdate } from '../query/index.js';
import { computeUpdateDescription } from './updateDescription.js';

/** The updateDescription of applying `update` to `before`, as the storage would log it. */
function describeUpdate(before: Document, update: Document | Document[], expanded = false): Document {
  return computeUpdateDescription(before, applyUpdate(before, update), update, expanded);
}

describe('updateDescription', () => {
  it('reports $set of a top-level field', () => {
    expect(describeUpdate({ _id: 1, x: 1 }, { $set: { x: 2 } })).toEqual({
      updatedFields: { x: 2 },
      removedFields: [],
      truncatedArrays: [],
    });
  });

  it('reports a dotted path for a change inside a subdocument', () => {
    const d = describeUpdate({ _id: 1, a: { b: 1, c: 1 } }, { $set: { 'a.b': 5 } });
    expect(d.updatedFields).toEqual({ 'a.b': 5 });
  });

  it('reports a whole subdocument when $set replaced it', () => {
    const d = describeUpdate({ _id: 1, a: { b: 1, c: 1 } }, { $set: { a: { b: 2 } } });
    expect(d).toMatchObject({ updatedFields: { a: { b: 2 } }, removedFields: [] });
  });

  it('reports $unset as removedFields, also inside subdocuments', () => {
    const d = describeUpdate({ _id: 1, x: 1, a: { b: 1, c: 2 } }, { $unset: { x: '', 'a.b': '' } });
    expect(d).toMatchObject({ updatedFields: {}, removedFields: ['x', 'a.b'] });
  });

  it('reports an array element set by index as arr.N', () => {
    const d = describeUpdate({ _id: 1, arr: [1, 2, 3] }, { $set: { 'arr.1': 9 } });
    expect(d.updatedFields).toEqual({ 'arr.1': 9 });
  });

  it('reports $push as the appended elements', () => {
    const d = describeUpdate({ _id: 1, arr: [1, 2, 3] }, { $push: { arr: 4 } });
    expect(d.updatedFields).toEqual({ 'arr.3': 4 });
    const many = describeUpdate({ _id: 1, arr: [1] }, { $push: { arr: { $each: [2, 3] } } });
    expect(many.updatedFields).toEqual({ 'arr.1': 2, 'arr.2': 3 });
  });

  it('reports $pull, $addToSet and whole-array $set as the whole array', () => {
    expect(describeUpdate({ _id: 1, arr: [1] }, { $addToSet: { arr: 2 } }).updatedFields).toEqual({ arr: [1, 2] });
    expect(describeUpdate({ _id: 1, arr: [1, 2, 3] }, { $pull: { arr: 2 } }).updatedFields).toEqual({ arr: [1, 3] });
    expect(describeUpdate({ _id: 1, arr: [1, 2, 3] }, { $set: { arr: [1, 2] } })).toMatchObject({
      updatedFields: { arr: [1, 2] },
      truncatedArrays: [],
    });
  });

  it('reports $inc and a new field', () => {
    const d = describeUpdate({ _id: 1, n: 1 }, { $inc: { n: 2, m: 1 } });
    expect(d.updatedFields).toEqual({ n: 3, m: 1 });
  });

  it('reports an array truncated by a pipeline update as truncatedArrays (spec: array truncation)', () => {
    const before = { _id: 1, a: 1, array: ['foo', { a: 'bar' }, 1, 2, 3] };
    const d = describeUpdate(before, [{ $set: { array: ['foo', { a: 'bar' }] } }]);
    expect(d).toEqual({ updatedFields: {}, removedFields: [], truncatedArrays: [{ field: 'array', newSize: 2 }] });
  });

  it('diffs a pipeline update recursively', () => {
    const before = { _id: 1, a: { b: 1, c: [1, { d: 1 }] }, gone: true };
    const d = describeUpdate(before, [{ $set: { 'a.b': 2, 'a.c': [1, { d: 2 }, 3] } }, { $unset: 'gone' }]);
    expect(d).toEqual({
      updatedFields: { 'a.b': 2, 'a.c.1.d': 2, 'a.c.2': 3 },
      removedFields: ['gone'],
      truncatedArrays: [],
    });
  });

  it('adds disambiguatedPaths only with showExpandedEvents, for numeric field names', () => {
    const before = { _id: 1, a: { '1': 1 } };
    expect(describeUpdate(before, { $set: { 'a.1': 2 } })).not.toHaveProperty('disambiguatedPaths');
    expect(describeUpdate(before, { $set: { 'a.1': 2 } }, true).disambiguatedPaths).toEqual({ 'a.1': ['a', '1'] });
    const nested = describeUpdate({ _id: 1, a: [{ '1': 1 }] }, { $set: { 'a.0.1': 2 } }, true);
    expect(nested.disambiguatedPaths).toEqual({ 'a.0.1': ['a', 0, '1'] });
    expect(describeUpdate({ _id: 1, x: 1 }, { $set: { x: 2 } }, true).disambiguatedPaths).toEqual({});
  });

  it('handles positional updates inside arrays', () => {
    const before = { _id: 1, items: [{ n: 1 }, { n: 2 }] };
    const d = describeUpdate(before, { $set: { 'items.$[].n': 0 } });
    expect(d.updatedFields).toEqual({ 'items.0.n': 0, 'items.1.n': 0 });
  });
});
