import { Binary, Decimal128, Long, ObjectId, Timestamp, UUID } from 'bson';
import { describe, expect, it } from 'vitest';
import { decode, decodeExact, encode } from './ejson.js';

/** Sends a value the way socket.io does: through JSON text. */
function overTheWire(value: unknown): unknown {
  return JSON.parse(JSON.stringify(encode(value)));
}

describe('EJSON codec', () => {
  it('round-trips ObjectId exactly', () => {
    const id = new ObjectId('64b7f0c2a1b2c3d4e5f60718');
    const back = decode<{ id: ObjectId }>(overTheWire({ id }));
    expect(back.id).toBeInstanceOf(ObjectId);
    expect(back.id.toHexString()).toBe('64b7f0c2a1b2c3d4e5f60718');
  });

  it('round-trips Date to the millisecond, including before 1970 and after 9999', () => {
    const dates = [new Date('2026-11-29T07:08:01.123Z'), new Date(-123456789), new Date(253402300800001)];
    const back = decode<{ d: Date[] }>(overTheWire({ d: dates }));
    expect(back.d.map((d) => d.getTime())).toEqual(dates.map((d) => d.getTime()));
    expect(back.d[0]).toBeInstanceOf(Date);
  });

  it('round-trips Decimal128 digits and scale', () => {
    const back = decode<{ v: Decimal128 }>(
      overTheWire({ v: Decimal128.fromString('1234567890.123456789012345678900') }),
    );
    expect(back.v).toBeInstanceOf(Decimal128);
    expect(back.v.toString()).toBe('1234567890.123456789012345678900');
  });

  it('round-trips Timestamp (t and i)', () => {
    const ts = new Timestamp({ t: 1764400081, i: 42 });
    const back = decode<{ ts: Timestamp }>(overTheWire({ ts }));
    expect(back.ts).toBeInstanceOf(Timestamp);
    expect(back.ts.t).toBe(1764400081);
    expect(back.ts.i).toBe(42);
    expect(back.ts.equals(ts)).toBe(true);
  });

  it('keeps a small Timestamp a Timestamp (it is a Long subclass in bson, yet no number)', () => {
    const back = decode<{ ts: Timestamp }>(overTheWire({ ts: new Timestamp({ t: 5, i: 1 }) }));
    expect(back.ts).toBeInstanceOf(Timestamp);
    expect(back.ts.t).toBe(5);
    expect(back.ts.i).toBe(1);
  });

  it('round-trips Binary with its subtype, and UUID', () => {
    const bin = new Binary(Buffer.from([0, 1, 2, 250, 255]), 0x80);
    const uuid = new UUID('0e3b7f3c-6b8a-4c1e-9b3f-2a1d5c6e7f80');
    const back = decode<{ bin: Binary; uuid: Binary }>(overTheWire({ bin, uuid }));
    expect(back.bin.sub_type).toBe(0x80);
    expect([...back.bin.buffer]).toEqual([0, 1, 2, 250, 255]);
    expect(back.uuid.sub_type).toBe(4);
    expect(back.uuid.toUUID().toHexString()).toBe('0e3b7f3c-6b8a-4c1e-9b3f-2a1d5c6e7f80');
  });

  it('round-trips a change-stream resume token unchanged', () => {
    const token = { _data: '8267A1B2C3000000012B022C0100296E5A1004ABCDEF0123456789ABCDEF012345678946645F696400646' };
    expect(decode(overTheWire(token))).toEqual(token);
    const binToken = { _data: new Binary(Buffer.from('8267a1b2c3', 'hex')) };
    const back = decode<{ _data: Binary }>(overTheWire(binToken));
    expect(Buffer.from(back._data.buffer).toString('hex')).toBe('8267a1b2c3');
  });

  it('turns Int32 and Double into numbers but keeps a Long that does not fit a double', () => {
    const big = Long.fromString('9007199254740993');
    const back = decode<{ i: number; d: number; small: number; big: Long }>(
      overTheWire({ i: 7, d: 2.5, small: Long.fromNumber(5), big }),
    );
    expect(back).toMatchObject({ i: 7, d: 2.5, small: 5 });
    expect(back.big).toBeInstanceOf(Long);
    expect(back.big.toString()).toBe('9007199254740993');
  });

  it('decodeExact keeps the numeric wrappers', () => {
    const back = decodeExact<{ i: { _bsontype: string } }>(overTheWire({ i: 7 }));
    expect(back.i._bsontype).toBe('Int32');
  });

  it('encodes to canonical EJSON', () => {
    expect(encode({ n: 1, id: new ObjectId('64b7f0c2a1b2c3d4e5f60718') })).toEqual({
      n: { $numberInt: '1' },
      id: { $oid: '64b7f0c2a1b2c3d4e5f60718' },
    });
  });
});

describe('decode (the client decodes every wire value with it)', () => {
  it('keeps Timestamp, ObjectId, Date and Decimal128; numbers become JS numbers', () => {
    const id = new ObjectId();
    const value = decode<Record<string, unknown>>(
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
