import {
  Binary,
  BSONRegExp,
  BSONSymbol,
  Code,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
} from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStringsBinary, compareValues, compareWith } from './compareValues.js';
import { bsonNumber, bsonValue } from './testing/bsonArbitraries.js';

// One implementation serves the server bridge (values the user's driver decodes) and the embedded
// server. Cases marked "was:" are where the bridge's former copy of this order answered otherwise.

const sign = (n: number) => Math.sign(n) || 0;

describe('compareValues', () => {
  it('orders the BSON types canonically', () => {
    const ordered: unknown[] = [
      new MinKey(),
      null,
      -5,
      1,
      'a',
      { a: 1 },
      [1],
      new Binary(new Uint8Array([1])),
      new ObjectId('000000000000000000000000'),
      false,
      new Date(0),
      new Timestamp({ t: 1, i: 0 }),
      /a/,
      new Code('x'),
      new Code('x', { a: 1 }),
      new MaxKey(),
    ];
    for (let i = 0; i < ordered.length; i++)
      for (let j = 0; j < ordered.length; j++) expect(sign(compareValues(ordered[i], ordered[j]))).toBe(sign(i - j));
  });

  it('treats undefined and null as equal, and symbols as strings', () => {
    expect(compareValues(undefined, null)).toBe(0);
    expect(compareValues(new BSONSymbol('b'), 'a')).toBe(1);
    expect(compareValues(new BSONSymbol('a'), 'a')).toBe(0);
    // was: 1 (a JS symbol ranked as an empty object, after every string)
    expect(compareValues(Symbol('a'), 'b')).toBe(-1);
  });

  it('compares every numeric type mix numerically', () => {
    expect(compareValues(new Int32(2), 2)).toBe(0);
    const five = [
      5,
      new Int32(5),
      new Double(5),
      Long.fromNumber(5),
      5n,
      Decimal128.fromString('5'),
      Decimal128.fromString('5.00'),
    ];
    for (const a of five) for (const b of five) expect(compareValues(a, b)).toBe(0);
    const six = [6, new Int32(6), new Double(6), Long.fromNumber(6), Decimal128.fromString('6.0')];
    for (const a of five)
      for (const b of six) {
        expect(compareValues(a, b)).toBe(-1);
        expect(compareValues(b, a)).toBe(1);
      }
  });

  it('compares Decimal128 exactly against doubles and longs', () => {
    expect(compareValues(Decimal128.fromString('1.0'), 1)).toBe(0);
    expect(compareValues(Decimal128.fromString('0.1'), 0.1)).toBe(-1); // double 0.1 is 0.1000000000000000055...
    expect(compareValues(Decimal128.fromString('9007199254740993'), 2 ** 53)).toBe(1);
    expect(compareValues(Long.fromString('9007199254740993'), 2 ** 53)).toBe(1);
    expect(compareValues(Decimal128.fromString('9007199254740993'), Long.fromString('9007199254740993'))).toBe(0);
    expect(compareValues(Decimal128.fromString('-Infinity'), -Number.MAX_VALUE)).toBe(-1);
    expect(compareValues(Decimal128.fromString('Infinity'), Number.POSITIVE_INFINITY)).toBe(0);
    expect(compareValues(Decimal128.fromString('1.5'), 2)).toBe(-1);
    expect(compareValues(Long.fromString('9007199254740993'), Long.fromString('9007199254740992'))).toBe(1);
    // was: 0 (both sides through doubles, where 2^53 + 1 rounds to 2^53)
    expect(compareValues(Decimal128.fromString('9007199254740993'), Long.fromString('9007199254740992'))).toBe(1);
    expect(compareValues(Decimal128.fromString('9007199254740993'), 9007199254740992n)).toBe(1);
    // was: 0 (the double 0.1 is 0.1000000000000000055…, a Decimal128 holds 0.1 itself)
    expect(compareValues(Decimal128.fromString('0.1000000000000000055'), 0.1)).toBe(-1);
  });

  it('puts NaN below every other number and equal to NaN', () => {
    expect(compareValues(Number.NaN, Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(compareValues(Number.NaN, Decimal128.fromString('NaN'))).toBe(0);
    expect(compareValues(Decimal128.fromString('NaN'), -1e308)).toBe(-1);
    expect(compareValues(-0, 0)).toBe(0);
    expect(compareValues(Decimal128.fromString('-0'), 0)).toBe(0);
  });

  it('compares documents by element type, then name, then value', () => {
    expect(compareValues({ a: 1 }, { a: 2 })).toBe(-1);
    expect(compareValues({ a: 1 }, { b: 0 })).toBe(-1);
    expect(compareValues({ b: 1 }, { a: 'x' })).toBe(-1); // number < string before names are looked at
    expect(compareValues({ a: 1 }, { a: 1, b: 0 })).toBe(-1);
    expect(compareValues({ a: 1, b: 2 }, { a: 1.0, b: new Int32(2) })).toBe(0);
  });

  it('counts a key that holds undefined, with the value of null (what the driver writes for it)', () => {
    // was: the key skipped ({ a: undefined } equal to {}), which is only what `ignoreUndefined` writes
    expect(compareValues({ a: undefined }, { a: null })).toBe(0);
    expect(compareValues({ a: undefined }, {})).toBe(1);
    expect(compareValues({ a: undefined, b: 1 }, { b: 1 })).toBe(-1); // null < number at the first key
    expect(compareValues([undefined], [null])).toBe(0);
  });

  it('orders code by its text, and code with a scope after all code without', () => {
    expect(compareValues(new Code('a'), new Code('b'))).toBe(-1);
    // was: 1 and 0 (code with a scope ranked as code, and its scope was not compared)
    expect(compareValues(new Code('b'), new Code('a', { x: 1 }))).toBe(-1);
    expect(compareValues(new Code('a', { x: 1 }), new Code('a', { x: 2 }))).toBe(-1);
  });

  it('compares arrays element-wise with shorter prefixes first', () => {
    expect(compareValues([1, 2], [1, 3])).toBe(-1);
    expect(compareValues([1], [1, 0])).toBe(-1);
    expect(compareValues([], [new MinKey()])).toBe(-1);
  });

  it('compares binary data by length, then subtype, then bytes', () => {
    expect(compareValues(new Binary(new Uint8Array([9])), new Binary(new Uint8Array([0, 0])))).toBe(-1);
    expect(compareValues(new Binary(new Uint8Array([9]), 4), new Binary(new Uint8Array([0]), 0))).toBe(1);
    expect(compareValues(new Binary(new Uint8Array([1])), new Binary(new Uint8Array([2])))).toBe(-1);
    expect(compareValues(new Uint8Array([1]), new Binary(new Uint8Array([1])))).toBe(0);
  });

  it('reads the written bytes of a Binary, not the buffer it has grown into', () => {
    const grown = new Binary();
    grown.put(7);
    expect(compareValues(grown, new Binary(new Uint8Array([7])))).toBe(0);
  });

  it('compares ObjectIds by bytes, dates by time, timestamps by (t, i), regexes by pattern then flags', () => {
    expect(compareValues(new ObjectId('00000000000000000000000a'), new ObjectId('0000000000000000000000ff'))).toBe(-1);
    expect(compareValues(new Date(-1), new Date(0))).toBe(-1);
    expect(compareValues(new Timestamp({ t: 1, i: 5 }), new Timestamp({ t: 2, i: 0 }))).toBe(-1);
    expect(compareValues(new Timestamp({ t: 1, i: 5 }), new Timestamp({ t: 1, i: 0 }))).toBe(1);
    expect(compareValues(/a/, new BSONRegExp('a', ''))).toBe(0);
    expect(compareValues(/a/, /a/i)).toBe(-1);
  });

  it('orders strings by code point (UTF-8 bytes), not UTF-16 units', () => {
    expect(compareStringsBinary('\uffff', '\u{10000}')).toBe(-1);
    expect(compareStringsBinary('a', 'b')).toBe(-1);
    expect(compareStringsBinary('ab', 'a')).toBe(1);
    expect(compareValues('B', 'a')).toBe(-1);
    expect(compareValues('\u{1F600}', '\uFFFF')).toBe(1);
  });

  it('takes a collation for strings and symbols at any depth, not for field names', () => {
    const caseless = new Intl.Collator('en', { sensitivity: 'base' }).compare;
    expect(compareWith('Ann', 'ann', caseless)).toBe(0);
    expect(compareWith({ n: ['Ann'] }, { n: ['ann'] }, caseless)).toBe(0);
    expect(compareWith(new BSONSymbol('B'), 'a', caseless)).toBe(1);
    expect(compareWith({ A: 1 }, { a: 1 }, caseless)).toBe(-1);
    expect(compareWith(/A/, /a/, caseless)).toBe(-1);
  });

  it('is reflexive and antisymmetric (property)', () => {
    fc.assert(
      fc.property(bsonValue, bsonValue, (a, b) => {
        expect(compareValues(a, a)).toBe(0);
        expect(sign(compareValues(a, b)) + sign(compareValues(b, a))).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('is transitive (property)', () => {
    fc.assert(
      fc.property(bsonValue, bsonValue, bsonValue, (a, b, c) => {
        // Sort boxed values: Array#sort never passes undefined to the comparator.
        const [x, y, z] = [{ v: a }, { v: b }, { v: c }].sort((p, q) => compareValues(p.v, q.v)).map((p) => p.v);
        expect(compareValues(x, y)).toBeLessThanOrEqual(0);
        expect(compareValues(y, z)).toBeLessThanOrEqual(0);
        expect(compareValues(x, z)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with JS order on numbers of any type (property)', () => {
    const asNumber = (v: unknown) => Number(typeof v === 'object' && v !== null ? v.toString() : v);
    fc.assert(
      fc.property(bsonNumber, bsonNumber, (a, b) => {
        const x = asNumber(a);
        const y = asNumber(b);
        if (Number.isNaN(x) || Number.isNaN(y) || x === y) return; // NaN rules and precision ties checked above
        expect(compareValues(a, b)).toBe(x < y ? -1 : 1);
      }),
      { numRuns: 3000 },
    );
  });
});
