import { Binary, BSONRegExp, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../errors.js';
import { compileFilter } from './compileFilter.js';

const matches = (filter: object, doc: object, options?: object) => compileFilter(filter, options)(doc);

function expectError(filter: object, code: number, message?: string | RegExp) {
  let error: unknown;
  try {
    compileFilter(filter);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CommandError);
  expect((error as CommandError).code).toBe(code);
  if (message) expect((error as CommandError).message).toMatch(message);
}

describe('compileFilter: equality and numbers', () => {
  it('matches plain equality and implicit AND', () => {
    expect(matches({ a: 1, b: 'x' }, { a: 1, b: 'x' })).toBe(true);
    expect(matches({ a: 1, b: 'x' }, { a: 1, b: 'y' })).toBe(false);
    expect(matches({}, { a: 1 })).toBe(true);
  });

  it('compares every numeric type mix by value', () => {
    const fives = [5, new Int32(5), new Double(5), Long.fromNumber(5), Decimal128.fromString('5.0'), 5n];
    for (const q of fives) for (const v of fives) expect(matches({ a: q }, { a: v })).toBe(true);
    expect(matches({ a: Decimal128.fromString('1.0') }, { a: 1 })).toBe(true);
    expect(matches({ a: Decimal128.fromString('0.1') }, { a: 0.1 })).toBe(false);
    expect(matches({ a: { $gt: Long.fromNumber(4) } }, { a: new Double(4.5) })).toBe(true);
    expect(matches({ a: { $lt: Decimal128.fromString('4.5') } }, { a: new Int32(4) })).toBe(true);
    expect(matches({ a: { $gte: 5 } }, { a: Long.fromNumber(5) })).toBe(true);
    expect(matches({ a: { $in: [Long.fromNumber(2), 5] } }, { a: Decimal128.fromString('5') })).toBe(true);
  });

  it('looks up long $in lists of ObjectIds and numbers of any type', () => {
    const ids = Array.from({ length: 500 }, () => new ObjectId());
    const test = compileFilter({ _id: { $in: ids } });
    expect(test({ _id: new ObjectId(ids[321]!.toHexString()) })).toBe(true);
    expect(test({ _id: new ObjectId() })).toBe(false);
    const nums = compileFilter({ n: { $in: [1, 2.5, 7] } });
    expect([Long.fromNumber(7), Decimal128.fromString('2.50'), new Int32(1), -0].map((n) => nums({ n }))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('compares ObjectIds by bytes and dates by time', () => {
    const id = '64b7f0c2a1b2c3d4e5f60718';
    expect(matches({ _id: new ObjectId(id) }, { _id: new ObjectId(id) })).toBe(true);
    expect(matches({ _id: new ObjectId(id) }, { _id: new ObjectId() })).toBe(false);
    expect(matches({ at: new Date(5) }, { at: new Date(5) })).toBe(true);
    expect(matches({ at: { $gt: new Date(5) } }, { at: new Date(6) })).toBe(true);
  });

  it('matches null against null and missing, not against other values', () => {
    expect(matches({ a: null }, {})).toBe(true);
    expect(matches({ a: null }, { a: null })).toBe(true);
    expect(matches({ a: null }, { a: 0 })).toBe(false);
    expect(matches({ a: { $ne: null } }, {})).toBe(false);
    expect(matches({ a: { $in: [null] } }, { b: 1 })).toBe(true);
    expect(matches({ 'a.b': null }, { a: [{ b: 1 }, { c: 2 }] })).toBe(true);
    expect(matches({ 'a.b': null }, { a: 5 })).toBe(true);
  });

  it('compares embedded documents exactly, field order included', () => {
    expect(matches({ a: { x: 1, y: 2 } }, { a: { x: 1, y: 2 } })).toBe(true);
    expect(matches({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } })).toBe(false);
    expect(matches({ a: { x: 1 } }, { a: { x: new Int32(1) } })).toBe(true);
  });

  it('applies type bracketing to range operators', () => {
    expect(matches({ a: { $gt: 1 } }, { a: 'x' })).toBe(false);
    expect(matches({ a: { $lt: 'b' } }, { a: 'a' })).toBe(true);
    expect(matches({ a: { $lt: 'b' } }, { a: 1 })).toBe(false);
    expect(matches({ a: { $gte: null } }, {})).toBe(true);
    expect(matches({ a: { $gt: null } }, { a: 1 })).toBe(false);
    expect(matches({ a: { $gt: new MinKey() } }, { a: 'x' })).toBe(true);
    expect(matches({ a: { $lt: new MaxKey() } }, { a: 1 })).toBe(true);
  });

  it('never matches NaN with range operators except the inclusive NaN bound', () => {
    expect(matches({ a: { $lt: 5 } }, { a: Number.NaN })).toBe(false);
    expect(matches({ a: { $gt: Number.NaN } }, { a: 5 })).toBe(false);
    expect(matches({ a: { $gte: Number.NaN } }, { a: Number.NaN })).toBe(true);
    expect(matches({ a: Number.NaN }, { a: Number.NaN })).toBe(true);
  });
});

describe('compileFilter: arrays', () => {
  it('matches an element or the whole array', () => {
    expect(matches({ a: 2 }, { a: [1, 2, 3] })).toBe(true);
    expect(matches({ a: [1, 2] }, { a: [1, 2] })).toBe(true);
    expect(matches({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(matches({ a: [1, 2] }, { a: [[1, 2], 3] })).toBe(true);
    expect(matches({ a: { $gt: 2 } }, { a: [1, 3] })).toBe(true);
    expect(matches({ a: { $gt: 1, $lt: 2 } }, { a: [0, 3] })).toBe(true); // each operator on any element
  });

  it('traverses arrays of documents along dotted paths', () => {
    const doc = { a: [{ b: 1 }, { b: [2, 3] }, { c: { d: 4 } }] };
    expect(matches({ 'a.b': 3 }, doc)).toBe(true);
    expect(matches({ 'a.c.d': 4 }, doc)).toBe(true);
    expect(matches({ 'a.b': 5 }, doc)).toBe(false);
    expect(matches({ 'a.0.b': 1 }, doc)).toBe(true);
    expect(matches({ 'a.1': { b: [2, 3] } }, doc)).toBe(true);
    expect(matches({ 'a.b': { $exists: true } }, { a: [{ c: 1 }] })).toBe(false);
  });

  it('compares a value picked by index as a whole', () => {
    expect(matches({ 'a.0': 1 }, { a: [[1, 2]] })).toBe(false);
    expect(matches({ 'a.0': [1, 2] }, { a: [[1, 2]] })).toBe(true);
  });

  it('negates over all elements for $ne and $nin', () => {
    expect(matches({ a: { $ne: 2 } }, { a: [1, 2] })).toBe(false);
    expect(matches({ a: { $nin: [5, 6] } }, { a: [1, 2] })).toBe(true);
    expect(matches({ a: { $nin: [2] } }, { a: [1, 2] })).toBe(false);
  });

  it('supports $size, $all and $elemMatch', () => {
    expect(matches({ a: { $size: 2 } }, { a: [1, 2] })).toBe(true);
    expect(matches({ a: { $size: 1 } }, { a: [[1, 2]] })).toBe(true);
    expect(matches({ a: { $size: 0 } }, {})).toBe(false);
    expect(matches({ a: { $all: [1, 3] } }, { a: [1, 2, 3] })).toBe(true);
    expect(matches({ a: { $all: [1, 4] } }, { a: [1, 2, 3] })).toBe(false);
    expect(matches({ a: { $all: [] } }, { a: [] })).toBe(false);
    expect(matches({ a: { $all: [{ $elemMatch: { x: 1 } }] } }, { a: [{ x: 1 }] })).toBe(true);
    const doc = {
      a: [
        { x: 1, y: 2 },
        { x: 2, y: 1 },
      ],
    };
    expect(matches({ a: { $elemMatch: { x: 1, y: 1 } } }, doc)).toBe(false);
    expect(matches({ a: { $elemMatch: { x: 2, y: 1 } } }, doc)).toBe(true);
    expect(matches({ b: { $elemMatch: { $gt: 1, $lt: 3 } } }, { b: [0, 2, 5] })).toBe(true);
    expect(matches({ b: { $elemMatch: { $gt: 1, $lt: 2 } } }, { b: [0, 5] })).toBe(false);
    expect(matches({ b: { $elemMatch: { $gt: 1 } } }, { b: 5 })).toBe(false);
    expect(matches({ a: { $elemMatch: { $or: [{ x: 5 }, { y: 1 }] } } }, doc)).toBe(true);
  });
});

describe('compileFilter: element, evaluation and logical operators', () => {
  it('checks $exists', () => {
    expect(matches({ a: { $exists: true } }, { a: null })).toBe(true);
    expect(matches({ a: { $exists: false } }, {})).toBe(true);
    expect(matches({ a: { $exists: 0 } }, { a: 1 })).toBe(false);
    expect(matches({ 'a.b': { $exists: true } }, { a: { b: undefined } })).toBe(false);
  });

  it('checks $type by name, number and alias, element-wise', () => {
    const doc = {
      d: 1.5,
      i: 1,
      i32: new Int32(1),
      dbl: new Double(1),
      l: Long.fromNumber(1),
      dec: Decimal128.fromString('1'),
      o: new ObjectId(),
      s: 'x',
      arr: [1, 'x'],
      n: null,
      b: true,
      r: /x/,
      bin: new Binary(new Uint8Array([1])),
    };
    const cases: Array<[string, unknown, boolean]> = [
      ['d', 'double', true],
      ['d', 1, true],
      ['i', 'int', true],
      ['i', 16, true],
      ['i32', 'int', true],
      ['dbl', 'double', true],
      ['dbl', 'int', false],
      ['l', 'long', true],
      ['l', 18, true],
      ['dec', 'decimal', true],
      ['dec', 19, true],
      ['o', 'objectId', true],
      ['o', 7, true],
      ['s', 'string', true],
      ['arr', 'array', true],
      ['arr', 'string', true],
      ['arr', 'object', false],
      ['n', 'null', true],
      ['b', 'bool', true],
      ['r', 'regex', true],
      ['bin', 'binData', true],
      ['l', 'number', true],
      ['dec', 'number', true],
      ['s', 'number', false],
      ['missing', 'null', false],
      ['s', ['int', 'string'], true],
    ];
    for (const [field, type, expected] of cases)
      expect([field, type, matches({ [field]: { $type: type } }, doc)]).toEqual([field, type, expected]);
    expectError({ a: { $type: 'nope' } }, 2, 'Unknown type name alias: nope');
    expectError({ a: { $type: 99 } }, 2, 'Invalid numerical type code: 99');
  });

  it('matches regexes with options, also inside $in and $not', () => {
    expect(matches({ a: /^ab/ }, { a: 'abc' })).toBe(true);
    expect(matches({ a: { $regex: '^AB', $options: 'i' } }, { a: 'abc' })).toBe(true);
    expect(matches({ a: { $regex: new BSONRegExp('^ab', 'i') } }, { a: 'ABc' })).toBe(true);
    expect(matches({ a: { $regex: 'a b # comment', $options: 'x' } }, { a: 'xab' })).toBe(true);
    expect(matches({ a: /b/ }, { a: ['x', 'abc'] })).toBe(true);
    expect(matches({ a: /1/ }, { a: 1 })).toBe(false);
    expect(matches({ a: { $in: [/^z/, 'q'] } }, { a: 'zed' })).toBe(true);
    expect(matches({ a: { $not: /^z/ } }, { a: 'zed' })).toBe(false);
    expect(matches({ a: { $not: { $gt: 5 } } }, { a: 3 })).toBe(true);
    expect(matches({ a: { $not: { $gt: 5 } } }, {})).toBe(true);
    expectError({ a: { $options: 'i' } }, 2, '$options needs a $regex');
  });

  it('computes $mod on truncated numbers of any type', () => {
    expect(matches({ a: { $mod: [4, 1] } }, { a: 5 })).toBe(true);
    expect(matches({ a: { $mod: [4, 1] } }, { a: Long.fromNumber(9) })).toBe(true);
    expect(matches({ a: { $mod: [4, 1] } }, { a: 5.9 })).toBe(true);
    expect(matches({ a: { $mod: [4, -1] } }, { a: -5 })).toBe(true);
    expect(matches({ a: { $mod: [4, 1] } }, { a: 'x' })).toBe(false);
    expectError({ a: { $mod: [0, 1] } }, 2, 'divisor cannot be 0');
    expectError({ a: { $mod: [4] } }, 2, 'not enough elements');
  });

  it('tests bits of integers and binary data', () => {
    expect(matches({ a: { $bitsAllSet: [0, 2] } }, { a: 5 })).toBe(true);
    expect(matches({ a: { $bitsAllSet: 6 } }, { a: 5 })).toBe(false);
    expect(matches({ a: { $bitsAnySet: 6 } }, { a: 5 })).toBe(true);
    expect(matches({ a: { $bitsAllClear: [1] } }, { a: 5 })).toBe(true);
    expect(matches({ a: { $bitsAnyClear: [0, 2] } }, { a: 5 })).toBe(false);
    expect(matches({ a: { $bitsAllSet: [63] } }, { a: -1 })).toBe(true);
    expect(matches({ a: { $bitsAllSet: [8] } }, { a: new Binary(new Uint8Array([0, 1])) })).toBe(true);
  });

  it('combines with $and, $or, $nor and ignores $comment', () => {
    expect(matches({ $or: [{ a: 1 }, { b: 2 }] }, { b: 2 })).toBe(true);
    expect(matches({ $and: [{ a: 1 }, { b: 2 }] }, { a: 1 })).toBe(false);
    expect(matches({ $nor: [{ a: 1 }, { b: 2 }] }, { c: 3 })).toBe(true);
    expect(matches({ a: 1, $comment: 'why' }, { a: 1 })).toBe(true);
    expectError({ $or: [] }, 2);
    expectError({ $and: {} }, 2);
  });

  it('evaluates $expr with BSON comparisons and variables', () => {
    expect(matches({ $expr: { $gt: ['$a', '$b'] } }, { a: Long.fromNumber(10), b: new Int32(9) })).toBe(true);
    expect(matches({ $expr: { $eq: ['$a', '$b'] } }, { a: Decimal128.fromString('2.0'), b: 2 })).toBe(true);
    expect(matches({ $expr: { $eq: ['$a', '$$x'] } }, { a: 3 }, { variables: { x: 3 } })).toBe(true);
    expect(matches({ $expr: { $eq: [{ $type: '$a' }, 'long'] } }, { a: Long.fromNumber(3) })).toBe(true);
  });

  it('rejects $where, unknown operators and unknown top-level operators', () => {
    expectError({ $where: 'this.a == 1' }, 2, '$where');
    expectError({ a: { $foo: 1 } }, 2, 'unknown operator: $foo');
    expectError({ $foo: 1 }, 2, 'unknown top level operator: $foo');
  });

  it('treats an object whose first key is not an operator as a literal', () => {
    expect(matches({ a: { b: 1, $c: 2 } }, { a: { b: 1, $c: 2 } })).toBe(true);
  });
});

describe('compileFilter: collation', () => {
  it('compares strings with the collation, but regexes stay binary', () => {
    const ci = { collation: { locale: 'en', strength: 2 } };
    expect(matches({ a: 'ABC' }, { a: 'abc' }, ci)).toBe(true);
    expect(matches({ a: { $in: ['ABC'] } }, { a: 'abc' }, ci)).toBe(true);
    expect(matches({ a: { $gt: 'B' } }, { a: 'c' }, ci)).toBe(true);
    expect(matches({ a: 'ABC' }, { a: 'abc' })).toBe(false);
    expect(matches({ a: /ABC/ }, { a: 'abc' }, ci)).toBe(false);
  });
});
