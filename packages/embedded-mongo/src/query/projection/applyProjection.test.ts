import { Int32 } from 'bson';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../errors.js';
import { applyProjection, compileProjection } from './applyProjection.js';

const doc = {
  _id: 1,
  name: 'x',
  size: { h: 1, w: 2, uom: 'cm' },
  tags: ['a', 'b', 'c', 'd'],
  items: [{ k: 1, v: 'p' }, { k: 2, v: 'q' }, 7],
};

function projectionError(projection: object): CommandError {
  try {
    applyProjection(doc, projection);
  } catch (e) {
    if (e instanceof CommandError) return e;
    throw e;
  }
  throw new Error('expected a CommandError');
}

describe('applyProjection', () => {
  it('returns a copy of the whole document for an empty projection', () => {
    const out = applyProjection(doc, {});
    expect(out).toEqual(doc);
    expect(out).not.toBe(doc);
  });

  it('includes fields in document order, with _id unless excluded', () => {
    const out = applyProjection(doc, { tags: 1, name: true });
    expect(out).toEqual({ _id: 1, name: 'x', tags: ['a', 'b', 'c', 'd'] });
    expect(Object.keys(out)).toEqual(['_id', 'name', 'tags']);
    expect(applyProjection(doc, { name: 1, _id: 0 })).toEqual({ name: 'x' });
    expect(applyProjection(doc, { _id: 1 })).toEqual({ _id: 1 });
    expect(applyProjection(doc, { name: new Int32(1) })).toEqual({ _id: 1, name: 'x' });
  });

  it('excludes fields', () => {
    expect(applyProjection(doc, { size: 0, tags: 0, items: 0 })).toEqual({ _id: 1, name: 'x' });
    expect(applyProjection(doc, { _id: 0, size: 0, tags: 0, items: 0 })).toEqual({ name: 'x' });
    expect(applyProjection(doc, { 'size.uom': 0 }).size).toEqual({ h: 1, w: 2 });
  });

  it('follows dotted and nested paths, through arrays of documents', () => {
    expect(applyProjection(doc, { 'size.h': 1 })).toEqual({ _id: 1, size: { h: 1 } });
    expect(applyProjection(doc, { size: { w: 1 } })).toEqual({ _id: 1, size: { w: 2 } });
    expect(applyProjection(doc, { 'items.k': 1, _id: 0 })).toEqual({ items: [{ k: 1 }, { k: 2 }] });
    expect(applyProjection(doc, { 'items.k': 0, _id: 0, name: 0, size: 0, tags: 0 })).toEqual({
      items: [{ v: 'p' }, { v: 'q' }, 7],
    });
    expect(applyProjection(doc, { 'name.x': 1 })).toEqual({ _id: 1 });
  });

  it('slices arrays with $slice, which keeps other fields', () => {
    expect(applyProjection(doc, { tags: { $slice: 2 } }).tags).toEqual(['a', 'b']);
    expect(applyProjection(doc, { tags: { $slice: -1 } }).tags).toEqual(['d']);
    expect(applyProjection(doc, { tags: { $slice: [1, 2] } }).tags).toEqual(['b', 'c']);
    expect(applyProjection(doc, { tags: { $slice: [-3, 1] } }).tags).toEqual(['b']);
    expect(Object.keys(applyProjection(doc, { tags: { $slice: 1 } }))).toEqual(Object.keys(doc));
    expect(applyProjection(doc, { tags: { $slice: 1 }, name: 1 })).toEqual({ _id: 1, name: 'x', tags: ['a'] });
    expect(applyProjection(doc, { name: { $slice: 1 } }).name).toBe('x');
  });

  it('keeps the first element matching $elemMatch', () => {
    expect(applyProjection(doc, { items: { $elemMatch: { k: { $gt: 1 } } } })).toEqual({
      _id: 1,
      items: [{ k: 2, v: 'q' }],
    });
    expect(applyProjection(doc, { items: { $elemMatch: { k: 9 } } })).toEqual({ _id: 1 });
    expect(applyProjection(doc, { tags: { $elemMatch: { $gte: 'c' } } }).tags).toEqual(['c']);
  });

  it('computes expression and literal fields', () => {
    expect(applyProjection(doc, { area: { $multiply: ['$size.h', '$size.w'] }, _id: 0 })).toEqual({ area: 2 });
    expect(applyProjection(doc, { name: 1, kind: 'box' })).toEqual({ _id: 1, name: 'x', kind: 'box' });
    expect(applyProjection(doc, { 'a.b': { $literal: 1 }, _id: 0 })).toEqual({ a: { b: 1 } });
  });

  it('treats the positional form a.$ as including the whole array', () => {
    expect(applyProjection(doc, { 'tags.$': 1 })).toEqual({ _id: 1, tags: ['a', 'b', 'c', 'd'] });
  });

  it('rejects mixing inclusion and exclusion like MongoDB', () => {
    const a = projectionError({ name: 1, tags: 0 });
    expect([a.code, a.message]).toEqual([31254, 'Cannot do exclusion on field tags in inclusion projection']);
    const b = projectionError({ name: 0, tags: 1 });
    expect([b.code, b.message]).toEqual([31253, 'Cannot do inclusion on field tags in exclusion projection']);
    expect(projectionError({ size: 1, 'size.h': 1 }).code).toBe(31250);
    expect(projectionError({ size: {} }).code).toBe(51270);
  });

  it('does not share mutable values with the input', () => {
    const out = applyProjection(doc, { size: 1 });
    (out.size as { h: number }).h = 99;
    expect(doc.size.h).toBe(1);
  });

  it('compiles once for many documents', () => {
    const project = compileProjection({ name: 1, _id: 0 });
    expect([doc, { _id: 2, name: 'y' }].map(project)).toEqual([{ name: 'x' }, { name: 'y' }]);
  });
});
