import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../errors.js';
import { upsertSeed } from './upsertSeed.js';

describe('upsertSeed', () => {
  it('keeps equality fields and drops operators', () => {
    expect(upsertSeed({ a: 1, b: { $gt: 2 }, c: 'x' })).toEqual({ a: 1, c: 'x' });
    expect(upsertSeed({ a: { $eq: 5 }, b: { $in: [7] }, c: { $in: [1, 2] } })).toEqual({ a: 5, b: 7 });
    expect(upsertSeed({ a: /x/, b: { $exists: true } })).toEqual({});
  });

  it('expands dotted paths into nested documents', () => {
    expect(upsertSeed({ 'a.b': 1, 'a.c': 2, 'd.e.f': 3 })).toEqual({ a: { b: 1, c: 2 }, d: { e: { f: 3 } } });
  });

  it('collects equalities inside $and and a one-branch $or', () => {
    expect(upsertSeed({ $and: [{ a: 1 }, { b: { $eq: 2 } }, { c: { $lt: 3 } }] })).toEqual({ a: 1, b: 2 });
    expect(upsertSeed({ $or: [{ a: 1 }] })).toEqual({ a: 1 });
    expect(upsertSeed({ $or: [{ a: 1 }, { a: 2 }] })).toEqual({});
  });

  it('puts _id first and keeps literal sub-documents whole', () => {
    const id = new ObjectId();
    const seed = upsertSeed({ name: 'n', _id: id, meta: { x: 1 } });
    expect(Object.keys(seed)).toEqual(['_id', 'name', 'meta']);
    expect(seed).toEqual({ _id: id, name: 'n', meta: { x: 1 } });
  });

  it('rejects a path pinned twice (NotSingleValueField 54)', () => {
    let error: unknown;
    try {
      upsertSeed({ a: 1, $and: [{ a: 2 }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).code).toBe(54);
  });

  it('does not share values with the filter', () => {
    const filter = { a: { b: [1] } };
    const seed = upsertSeed(filter);
    (seed.a as { b: number[] }).b.push(2);
    expect(filter.a.b).toEqual([1]);
  });
});
