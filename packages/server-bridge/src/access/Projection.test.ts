import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { intersectProjections, NOTHING_FIELD, Projection } from './Projection.js';

describe('Projection', () => {
  const doc = {
    _id: 1,
    name: 'ann',
    ssn: '123',
    address: { city: 'Oslo', zip: '0150', geo: { lat: 1, lng: 2 } },
    items: [{ sku: 'a', cost: 3 }, 7, { sku: 'b', cost: 4 }],
    owner: new ObjectId('64b7f0000000000000000001'),
  };

  it('applies inclusion with dotted paths, through arrays, keeping _id and BSON values', () => {
    const p = Projection.parse({ name: 1, 'address.city': 1, 'items.sku': 1, owner: 1 });
    expect(p.apply(doc)).toEqual({
      _id: 1,
      name: 'ann',
      address: { city: 'Oslo' },
      items: [{ sku: 'a' }, { sku: 'b' }],
      owner: doc.owner,
    });
    expect(Projection.parse({ name: 1, _id: 0 }).apply(doc)).toEqual({ name: 'ann' });
    expect(Projection.parse({ address: { geo: { lat: 1 } } }).apply(doc)).toEqual({
      _id: 1,
      address: { geo: { lat: 1 } },
    });
  });

  it('applies exclusion with dotted paths, through arrays', () => {
    const p = Projection.parse({ ssn: 0, 'address.zip': 0, 'items.cost': 0 });
    expect(p.apply(doc)).toEqual({
      _id: 1,
      name: 'ann',
      address: { city: 'Oslo', geo: { lat: 1, lng: 2 } },
      items: [{ sku: 'a' }, 7, { sku: 'b' }],
      owner: doc.owner,
    });
    expect(Projection.parse({ _id: 0 }).apply({ _id: 1, a: 2 })).toEqual({ a: 2 });
  });

  it('refuses mixed modes and operator projections', () => {
    expect(() => Projection.parse({ a: 1, b: 0 })).toThrow(/mixes/);
    expect(() => Projection.parse({ a: { $slice: 1 } })).toThrow(/0 or 1/);
    expect(() => Projection.parse({ $where: 1 })).toThrow(/invalid/);
    expect(() => Projection.parse({ a: 'yes' })).toThrow(/0 or 1/);
  });

  it('tells visibility of update paths, looking through array indexes', () => {
    const inc = Projection.parse({ name: 1, 'address.city': 1, 'items.sku': 1 });
    expect(inc.visibility(['name']).kind).toBe('all');
    expect(inc.visibility(['address', 'city']).kind).toBe('all');
    expect(inc.visibility(['address']).kind).toBe('partial');
    expect(inc.visibility(['address', 'zip']).kind).toBe('none');
    expect(inc.visibility(['ssn']).kind).toBe('none');
    expect(inc.visibility(['items', '2', 'sku']).kind).toBe('all');
    expect(inc.visibility(['items', '2', 'cost']).kind).toBe('none');
    expect(inc.applyAt(['address'], { city: 'X', zip: 'Y' })).toEqual({ city: 'X' });
    expect(inc.applyAt(['items', '1'], { sku: 'c', cost: 9 })).toEqual({ sku: 'c' });
    const exc = Projection.parse({ ssn: 0, 'address.zip': 0 });
    expect(exc.visibility(['ssn']).kind).toBe('none');
    expect(exc.visibility(['ssn', 'x']).kind).toBe('none');
    expect(exc.visibility(['name']).kind).toBe('all');
    expect(exc.applyAt(['address'], { city: 'X', zip: 'Y' })).toEqual({ city: 'X' });
  });
});

describe('intersectProjections', () => {
  it('returns the other side when one is empty', () => {
    expect(intersectProjections(undefined, undefined)).toBeUndefined();
    expect(intersectProjections({}, { a: 1 })).toEqual({ a: 1 });
    expect(intersectProjections({ a: 1 }, undefined)).toEqual({ a: 1, _id: 1 });
  });

  it('inclusion ∩ inclusion keeps the common paths, dotted', () => {
    expect(intersectProjections({ a: 1, b: 1, 'c.d': 1 }, { b: 1, c: 1, e: 1 })).toEqual({ b: 1, 'c.d': 1, _id: 1 });
    expect(intersectProjections({ c: 1 }, { 'c.d': 1, 'c.e': 1, _id: 0 })).toEqual({ 'c.d': 1, 'c.e': 1, _id: 0 });
    // Nothing in common: only what both allow (here nothing at all).
    expect(intersectProjections({ a: 1, _id: 0 }, { b: 1 })).toEqual({ [NOTHING_FIELD]: 1, _id: 0 });
    expect(intersectProjections({ a: 1 }, { b: 1 })).toEqual({ _id: 1 });
  });

  it('inclusion ∩ exclusion removes the excluded paths and never widens', () => {
    expect(intersectProjections({ a: 1, b: 1, c: 1 }, { b: 0 })).toEqual({ a: 1, c: 1, _id: 1 });
    expect(intersectProjections({ a: 0 }, { a: 1, b: 1 })).toEqual({ b: 1, _id: 1 });
    expect(intersectProjections({ 'a.x': 1, 'a.y': 1 }, { 'a.y': 0 })).toEqual({ 'a.x': 1, _id: 1 });
    // "a but not a.secret" is not expressible: a is dropped rather than leaked.
    expect(intersectProjections({ a: 1, b: 1 }, { 'a.secret': 0 })).toEqual({ b: 1, _id: 1 });
    expect(intersectProjections({ a: 1 }, { _id: 0 })).toEqual({ a: 1, _id: 0 });
  });

  it('exclusion ∩ exclusion excludes both', () => {
    expect(intersectProjections({ a: 0, 'c.d': 0 }, { b: 0, c: 0 })).toEqual({ a: 0, c: 0, b: 0 });
  });

  it('a client can never see a field the authorized projection hides', () => {
    const auth = { name: 1, 'address.city': 1 };
    const doc = { _id: 1, name: 'n', address: { city: 'c', zip: 'z' }, ssn: 's' };
    for (const client of [{ ssn: 1 }, { address: 1 }, { ssn: 0 }, { name: 0 }, { 'address.zip': 1 }, {}]) {
      const effective = Projection.parse(intersectProjections(client, auth) ?? {});
      const seen = effective.apply(doc);
      expect(JSON.stringify(seen)).not.toContain('"z"');
      expect(seen).not.toHaveProperty('ssn');
    }
  });
});

// Cases of the former live-query projection (one engine serves every path now).
describe('Projection.compile', () => {
  const doc = { _id: 1, a: 1, b: { c: 2, d: 3 }, arr: [{ x: 1, y: 2 }, 5], s: 'secret' };

  it('includes paths (and _id unless excluded), through arrays', () => {
    expect(Projection.compile({ a: 1, 'b.c': 1, 'arr.x': 1 }).apply(doc)).toEqual({
      _id: 1,
      a: 1,
      b: { c: 2 },
      arr: [{ x: 1 }],
    });
    expect(Projection.compile({ a: 1, _id: 0 }).apply(doc)).toEqual({ a: 1 });
  });

  it('excludes paths', () => {
    expect(Projection.compile({ s: 0, 'b.d': 0, 'arr.y': false }).apply(doc)).toEqual({
      _id: 1,
      a: 1,
      b: { c: 2 },
      arr: [{ x: 1 }, 5],
    });
    expect(Projection.compile({ _id: 0 }).apply(doc)).not.toHaveProperty('_id');
    expect(Projection.compile({ _id: 1 }).apply(doc)).toEqual({ _id: 1 });
  });

  it('treats nested and dotted projections alike', () => {
    const nested = Projection.compile({ b: { d: 0 }, arr: { y: 0 } });
    expect(nested.apply(doc)).toEqual(Projection.compile({ 'b.d': 0, 'arr.y': 0 }).apply(doc));
    expect(nested.toDocument()).toEqual({ 'b.d': 0, 'arr.y': 0 });
  });

  it('is the identity for undefined and {}', () => {
    expect(Projection.compile(undefined).apply(doc)).toBe(doc);
    expect(Projection.compile({}).isIdentity).toBe(true);
  });

  it('refuses operators and mixed modes', () => {
    expect(() => Projection.compile({ arr: { $slice: 1 } })).toThrow(/operators are not supported/);
    expect(() => Projection.compile({ a: 1, s: 0 })).toThrow(/mixes/);
  });

  it.each([
    { '__proto__.ssn': 1 },
    { 'a.constructor.prototype.x': 1 },
    JSON.parse('{"__proto__":{"ssn":1}}'),
    { a: { constructor: 0 } },
    { prototype: 1 },
  ])('refuses paths through __proto__, constructor or prototype: %j', (spec) => {
    expect(() => Projection.compile(spec)).toThrow(/invalid path/);
    expect(({} as Record<string, unknown>).ssn).toBeUndefined();
  });

  it('keeps a stored field named __proto__ as data, never as a prototype', () => {
    const stored = JSON.parse('{"_id":1,"__proto__":{"polluted":true},"n":1}');
    const out = Projection.compile({ n: 0 }).apply(stored);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['_id', '__proto__']);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
