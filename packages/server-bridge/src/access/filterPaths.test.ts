import { describe, expect, it } from 'vitest';
import { pathsOverlap, referencedPaths, updateTouches } from './filterPaths.js';

describe('referencedPaths', () => {
  it('lists the fields a filter reads, through $and/$or/$nor', () => {
    expect(referencedPaths({ a: 1, 'b.c': { $gt: 1 }, $or: [{ d: 1 }, { $nor: [{ e: 2 }] }], $comment: 'x' })).toEqual(
      expect.arrayContaining([['a'], ['b', 'c'], ['d'], ['e']]),
    );
  });
  it('gives up on operators that read arbitrary fields', () => {
    expect(referencedPaths({ $expr: { $eq: ['$a', 1] } })).toBeUndefined();
    expect(referencedPaths({ $text: { $search: 'x' } })).toBeUndefined();
    expect(referencedPaths({ $and: 'x' } as never)).toBeUndefined();
  });
});

describe('updateTouches', () => {
  const paths = [['owner'], ['team', 'id'], ['tags', '0']];
  it('detects updates of filter fields, their parents, children and array elements', () => {
    expect(updateTouches({ updatedFields: { owner: 'x' } }, paths)).toBe(true);
    expect(updateTouches({ updatedFields: { 'owner.name': 'x' } }, paths)).toBe(true);
    expect(updateTouches({ updatedFields: { team: {} } }, paths)).toBe(true);
    expect(updateTouches({ updatedFields: {}, removedFields: ['team.id'] }, paths)).toBe(true);
    expect(updateTouches({ updatedFields: { 'tags.3': 'x' } }, paths)).toBe(true);
    expect(updateTouches({ updatedFields: {}, truncatedArrays: [{ field: 'tags', newSize: 0 }] }, paths)).toBe(true);
  });
  it('says no for unrelated fields, and yes when it cannot tell', () => {
    expect(updateTouches({ updatedFields: { total: 1, 'team.name': 'x' }, removedFields: ['notes'] }, paths)).toBe(
      false,
    );
    expect(updateTouches(undefined, paths)).toBe(true);
  });
  it('compares dotted paths segment-wise', () => {
    expect(pathsOverlap(['a'], ['a', 'b'])).toBe(true);
    expect(pathsOverlap(['ab'], ['a'])).toBe(false);
  });
});
