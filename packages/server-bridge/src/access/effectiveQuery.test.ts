import { describe, expect, it } from 'vitest';
import { BridgeError } from '../errors.js';
import { buildEffectiveQuery } from './effectiveQuery.js';
import { Projection } from './Projection.js';

const q = { db: 'shop', collection: 'orders' };

describe('buildEffectiveQuery', () => {
  it('passes the query through when allowed as asked', () => {
    expect(
      buildEffectiveQuery({ ...q, filter: { a: 1 }, sort: [['a', 1]], limit: 5, skip: 1 }, { kind: 'all' }),
    ).toEqual({ ...q, filter: { a: 1 }, sort: [['a', 1]], limit: 5, skip: 1 });
  });

  it('ANDs the row filter with the client filter', () => {
    const grant = { kind: 'restricted' as const, filter: { owner: 'ann' } };
    expect(buildEffectiveQuery({ ...q, filter: { total: { $gt: 1 } } }, grant).filter).toEqual({
      $and: [{ owner: 'ann' }, { total: { $gt: 1 } }],
    });
    expect(buildEffectiveQuery({ ...q, filter: {} }, grant).filter).toEqual({ owner: 'ann' });
    // A client $or cannot escape the AND.
    expect(buildEffectiveQuery({ ...q, filter: { $or: [{ owner: 'bob' }, {}] } }, grant).filter).toEqual({
      $and: [{ owner: 'ann' }, { $or: [{ owner: 'bob' }, {}] }],
    });
  });

  it('intersects projections and refuses reading hidden fields', () => {
    const projectionDoc = { name: 1, price: 1 };
    const grant = { kind: 'restricted' as const, projection: Projection.parse(projectionDoc), projectionDoc };
    expect(buildEffectiveQuery({ ...q, filter: {}, projection: { name: 1, cost: 1 } }, grant).projection).toEqual({
      name: 1,
      _id: 1,
    });
    expect(buildEffectiveQuery({ ...q, filter: {} }, grant).projection).toEqual(projectionDoc);
    for (const bad of [
      { ...q, filter: { cost: { $gt: 5 } } },
      { ...q, filter: { $or: [{ name: 'x' }, { cost: 1 }] } },
      { ...q, filter: { $expr: { $gt: ['$cost', 1] } } },
      { ...q, filter: {}, sort: [['cost', 1]] as Array<[string, 1 | -1]> },
    ]) {
      let error: unknown;
      try {
        buildEffectiveQuery(bad, grant);
      } catch (e) {
        error = e;
      }
      expect((error as BridgeError).code).toBe('UNAUTHORIZED');
    }
  });

  it('refuses operator projections from clients', () => {
    expect(() => buildEffectiveQuery({ ...q, filter: {}, projection: { a: { $slice: 1 } } }, { kind: 'all' })).toThrow(
      BridgeError,
    );
  });
});
