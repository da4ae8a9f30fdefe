import { Binary, Int32, Long, ObjectId, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { hasBsonType } from './runner/bsonValues.js';
import { assertResultMatches, findMismatch, type MatchContext, noEntities } from './runner/match.js';

const matches = (expected: unknown, actual: unknown, root = true, ctx: MatchContext = noEntities) =>
  findMismatch(expected, actual, ctx, root) === undefined;

describe('unified format matching', () => {
  it('allows extra fields in root documents only', () => {
    expect(matches({ x: 1 }, { x: 1, y: 1 })).toBe(true);
    expect(matches({ x: 1, y: 1 }, { x: 1 })).toBe(false);
    expect(matches({ x: { y: 1 } }, { x: { y: 1, z: 1 } })).toBe(false);
    expect(matches({ x: 1 }, { x: 1, y: 1 }, false)).toBe(false);
  });

  it('ignores key order and compares numbers flexibly', () => {
    expect(matches({ x: 1, y: 2 }, { y: 2, x: 1 })).toBe(true);
    expect(matches({ n: 1 }, { n: new Long(1) })).toBe(true);
    expect(matches({ n: 1 }, { n: new Int32(1) })).toBe(true);
    expect(matches({ n: 1 }, { n: 1.5 })).toBe(false);
    expect(matches({ n: 1 }, { n: '1' })).toBe(false);
    expect(matches({ n: null }, { n: null })).toBe(true);
    expect(matches({ n: null }, {})).toBe(false);
  });

  it('requires arrays of equal length, elements matched as nested documents', () => {
    expect(matches([1, 2, 3], [1, 2, 3])).toBe(true);
    expect(matches([1, 2, 3], [1, 2, 3, 4])).toBe(false);
    expect(matches({ a: [{ x: 1 }] }, { a: [{ x: 1, y: 2 }] })).toBe(false);
  });

  it('treats elements of iterable results as root documents', () => {
    expect(() => assertResultMatches([{ x: 1 }], [{ x: 1, y: 1 }], noEntities, true)).not.toThrow();
    expect(() => assertResultMatches([{ x: 1 }], [{ x: 1, y: 1 }], noEntities, false)).toThrow(/unexpected field/);
    expect(() => assertResultMatches([{ x: 1 }], [], noEntities, true)).toThrow(/1 document/);
  });

  it('$$exists', () => {
    expect(matches({ a: { $$exists: true } }, { a: null })).toBe(true);
    expect(matches({ a: { $$exists: true } }, {})).toBe(false);
    expect(matches({ a: { $$exists: false } }, {})).toBe(true);
    expect(matches({ a: { $$exists: false } }, { a: 1 })).toBe(false);
    expect(matches({ n: { a: { $$exists: false } } }, { n: {} }, false)).toBe(true);
  });

  it('$$unsetOrMatches', () => {
    expect(matches({ a: { $$unsetOrMatches: 2 } }, {})).toBe(true);
    expect(matches({ a: { $$unsetOrMatches: 2 } }, { a: 2 })).toBe(true);
    expect(matches({ a: { $$unsetOrMatches: 2 } }, { a: 3 })).toBe(false);
    expect(matches({ $$unsetOrMatches: { n: 1 } }, undefined)).toBe(true);
    // Does not change root-ness: a root document inside still allows extra fields.
    expect(matches({ $$unsetOrMatches: { n: 1 } }, { n: 1, m: 2 })).toBe(true);
    expect(matches({ a: { $$unsetOrMatches: { n: 1 } } }, { a: { n: 1, m: 2 } })).toBe(false);
  });

  it('$$type, including promoted numbers and BSON classes', () => {
    expect(matches({ a: { $$type: 'objectId' } }, { a: new ObjectId() })).toBe(true);
    expect(matches({ a: { $$type: 'objectId' } }, { a: 'x' })).toBe(false);
    expect(matches({ a: { $$type: ['int', 'long'] } }, { a: new Long(5) })).toBe(true);
    expect(matches({ a: { $$type: ['int', 'long'] } }, { a: 1.5 })).toBe(false);
    expect(matches({ a: { $$type: 'string' } }, {})).toBe(false);
    expect(matches({ a: { $$type: 'object' } }, { a: { b: 1 } })).toBe(true);
    expect(hasBsonType(new Timestamp({ t: 1, i: 1 }), 'timestamp')).toBe(true);
    expect(hasBsonType(new Binary(Buffer.from('x')), 'binData')).toBe(true);
    expect(hasBsonType(new Date(), 'date')).toBe(true);
    expect(hasBsonType([1], 'object')).toBe(false);
    expect(() => hasBsonType(1, 'nonsense')).toThrow(/unknown \$\$type/);
  });

  it('$$lte', () => {
    expect(matches({ a: { $$lte: 5 } }, { a: 5 })).toBe(true);
    expect(matches({ a: { $$lte: 5 } }, { a: new Long(4) })).toBe(true);
    expect(matches({ a: { $$lte: 5 } }, { a: 6 })).toBe(false);
    expect(matches({ a: { $$lte: 5 } }, { a: 'x' })).toBe(false);
  });

  it('$$matchesEntity and $$sessionLsid use the entity map', () => {
    const id = new ObjectId();
    const lsid = { id: new Binary(Buffer.alloc(16, 7), 4) };
    const ctx: MatchContext = {
      entity: (name) => {
        if (name === 'id0') return id;
        throw new Error(`no entity ${name}`);
      },
      sessionLsid: (name) => {
        if (name === 'session0') return lsid;
        throw new Error(`no session ${name}`);
      },
    };
    expect(matches({ _id: { $$matchesEntity: 'id0' } }, { _id: id }, true, ctx)).toBe(true);
    expect(matches({ _id: { $$matchesEntity: 'id0' } }, { _id: new ObjectId() }, true, ctx)).toBe(false);
    expect(() => matches({ _id: { $$matchesEntity: 'nope' } }, { _id: id }, true, ctx)).toThrow(/no entity/);
    expect(matches({ lsid: { $$sessionLsid: 'session0' } }, { lsid }, true, ctx)).toBe(true);
    expect(
      matches({ lsid: { $$sessionLsid: 'session0' } }, { lsid: { id: new Binary(Buffer.alloc(16), 4) } }, true, ctx),
    ).toBe(false);
  });

  it('$$matchAsDocument and $$matchAsRoot', () => {
    expect(matches({ s: { $$matchAsDocument: { a: 1 } } }, { s: '{"a": 1}' })).toBe(true);
    expect(matches({ s: { $$matchAsDocument: { a: 1 } } }, { s: '{"a": 1, "b": 2}' })).toBe(false);
    expect(matches({ s: { $$matchAsDocument: { $$matchAsRoot: { a: 1 } } } }, { s: '{"a": 1, "b": 2}' })).toBe(true);
    expect(matches({ d: { $$matchAsRoot: { a: 1 } } }, { d: { a: 1, b: 2 } })).toBe(true);
    expect(matches({ d: { a: 1 } }, { d: { a: 1, b: 2 } })).toBe(false);
  });

  it('reads Maps (the driver builds sort as a Map) as documents', () => {
    expect(matches({ sort: { _id: 1 } }, { sort: new Map([['_id', 1]]) })).toBe(true);
    expect(matches({ sort: { _id: 1 } }, { sort: new Map([['_id', -1]]) })).toBe(false);
  });

  it('reports where and what differs', () => {
    expect(findMismatch({ a: { b: [1, 2] } }, { a: { b: [1, 3] } }, noEntities, true)).toMatch(
      /^a\.b\[1\]: expected 2, got 3/,
    );
  });
});
