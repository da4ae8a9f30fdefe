import { Binary, Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { valueKey } from './valueKey.js';

describe('valueKey', () => {
  it('equates numbers across BSON numeric types', () => {
    const keys = [1, new Int32(1), new Double(1), Long.fromNumber(1), Decimal128.fromString('1'), 1n].map(valueKey);
    expect(new Set(keys).size).toBe(1);
    expect(valueKey(0)).toBe(valueKey(-0));
    expect(valueKey(1)).not.toBe(valueKey('1'));
  });

  it('equates null and missing, distinguishes types and field order', () => {
    expect(valueKey(null)).toBe(valueKey(undefined));
    expect(valueKey({ a: 1, b: 2 })).not.toBe(valueKey({ b: 2, a: 1 }));
    expect(valueKey([1, 2])).not.toBe(valueKey([2, 1]));
    expect(valueKey(true)).not.toBe(valueKey(1));
    const id = new ObjectId();
    expect(valueKey(id)).toBe(valueKey(new ObjectId(id.toHexString())));
    expect(valueKey(new Date(5))).toBe(valueKey(new Date(5)));
    expect(valueKey(new Binary(Buffer.from([1]), 4))).not.toBe(valueKey(new Binary(Buffer.from([1]), 0)));
  });

  it('does not confuse strings that look like other keys', () => {
    expect(valueKey('n1')).not.toBe(valueKey(1));
    expect(valueKey({ a: 's1:x' })).not.toBe(valueKey({ a: 'x' }));
  });
});
