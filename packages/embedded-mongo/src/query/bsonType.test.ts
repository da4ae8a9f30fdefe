import { Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { isNumeric, isPlainObject } from './bsonType.js';

describe('bsonType', () => {
  it('recognises numbers and plain documents', () => {
    expect([1, 1n, new Int32(1), new Double(1), Long.ZERO, Decimal128.fromString('0')].every(isNumeric)).toBe(true);
    expect(['1', null, new Date(0)].some(isNumeric)).toBe(false);
    expect(isPlainObject({ a: 1 })).toBe(true);
    expect(isPlainObject(new ObjectId())).toBe(false);
    expect(isPlainObject([])).toBe(false);
  });
});
