import { bsonTypeOf, compareNumbers } from '@mongo-live/bson-order';
import { Decimal128, Double, Int32, Long } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addNumbers, multiplyNumbers, toJsNumber, zeroLike } from './numeric.js';

const value = (r: { value: unknown } | undefined) => r?.value;

describe('numeric', () => {
  it('adds with MongoDB type promotion', () => {
    const cases: Array<[unknown, unknown, string, string]> = [
      [new Int32(1), new Int32(2), 'int', '3'],
      [new Int32(2147483647), new Int32(1), 'long', '2147483648'],
      [-2147483648, -1, 'long', '-2147483649'],
      [Long.fromNumber(1), new Int32(2), 'long', '3'],
      [new Int32(1), new Double(2), 'double', '3'],
      [Long.fromNumber(1), 0.5, 'double', '1.5'],
      [Decimal128.fromString('1.5'), new Int32(1), 'decimal', '2.5'],
      [Decimal128.fromString('0.1'), Decimal128.fromString('0.2'), 'decimal', '0.3'],
      [Decimal128.fromString('1'), Long.fromString('9223372036854775807'), 'decimal', '9223372036854775808'],
      [Decimal128.fromString('Infinity'), 1, 'decimal', 'Infinity'],
    ];
    for (const [a, b, type, text] of cases) {
      const r = value(addNumbers(a, b));
      expect([bsonTypeOf(r), String(typeof r === 'object' ? r!.toString() : r)]).toEqual([type, text]);
    }
  });

  it('reports 64-bit overflow as undefined', () => {
    expect(addNumbers(Long.MAX_VALUE, 1)).toBeUndefined();
    expect(multiplyNumbers(Long.MAX_VALUE, 2)).toBeUndefined();
  });

  it('multiplies int32 exactly into a long when the product overflows', () => {
    const r = value(multiplyNumbers(new Int32(123456789), new Int32(987654321)));
    expect(bsonTypeOf(r)).toBe('long');
    expect(String(r)).toBe('121932631112635269');
    expect(String(value(multiplyNumbers(Decimal128.fromString('1.10'), Decimal128.fromString('2'))))).toBe('2.20');
  });

  it('keeps a whole double a double', () => {
    const r = value(addNumbers(1.5, 0.5));
    expect(bsonTypeOf(r)).toBe('double');
    expect(toJsNumber(r)).toBe(2);
  });

  it('gives zeros of the same type', () => {
    expect(bsonTypeOf(zeroLike(Long.fromNumber(5)))).toBe('long');
    expect(bsonTypeOf(zeroLike(new Double(5)))).toBe('double');
    expect(bsonTypeOf(zeroLike(Decimal128.fromString('5')))).toBe('decimal');
    expect(zeroLike(5)).toBe(0);
  });

  it('rounds decimal results to 34 significant digits, half to even', () => {
    const big = Decimal128.fromString('9999999999999999999999999999999999');
    expect(String(value(addNumbers(big, Decimal128.fromString('0.5'))))).toBe(
      '1.000000000000000000000000000000000E+34',
    );
    const even = Decimal128.fromString('1000000000000000000000000000000002');
    expect(String(value(addNumbers(even, Decimal128.fromString('0.5'))))).toBe('1000000000000000000000000000000002');
  });

  it('agrees with bigint arithmetic for int64 addition (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
        fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
        (a, b) => {
          const r = value(addNumbers(Long.fromBigInt(a), Long.fromBigInt(b))) as Long;
          expect(r.toBigInt()).toBe(a + b);
        },
      ),
    );
  });

  it('compares exactly at the edge of double precision (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }), (n) => {
        const asDouble = Number(n);
        const exact = BigInt(asDouble);
        const expected = n < exact ? -1 : n > exact ? 1 : 0;
        expect(compareNumbers(Long.fromBigInt(n), asDouble)).toBe(expected);
        expect(compareNumbers(Decimal128.fromString(n.toString()), asDouble)).toBe(expected);
      }),
    );
  });
});
