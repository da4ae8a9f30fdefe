import { encode } from '@mongo-live/protocol';
import { Decimal128, Long, ObjectId, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { decodeValue } from './decodeValue.js';

describe('decodeValue', () => {
  it('keeps Timestamp, ObjectId, Date and Decimal128; numbers become JS numbers', () => {
    const id = new ObjectId();
    const value = decodeValue<Record<string, unknown>>(
      encode({
        t: new Timestamp({ t: 5, i: 1 }),
        id,
        at: new Date(7),
        d: Decimal128.fromString('1.10'),
        n: 3,
        x: 1.5,
        big: Long.fromString('9007199254740993'),
        nested: [{ t: new Timestamp({ t: 6, i: 2 }) }],
      }),
    );
    expect(value.t).toBeInstanceOf(Timestamp);
    expect((value.t as Timestamp).t).toBe(5);
    expect(value.id).toEqual(id);
    expect(value.at).toEqual(new Date(7));
    expect(value.d).toBeInstanceOf(Decimal128);
    expect(value.n).toBe(3);
    expect(value.x).toBe(1.5);
    expect(value.big).toBeInstanceOf(Long); // not exactly representable: stays a Long
    expect((value.nested as Array<{ t: unknown }>)[0]?.t).toBeInstanceOf(Timestamp);
  });
});
