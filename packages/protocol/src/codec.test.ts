import { ObjectId as BsonObjectId, EJSON } from 'bson';
import { BSON, Long, ObjectId, Timestamp } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createCodec } from './codec.js';

const viaJson = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('createCodec', () => {
  it("decodes into the classes of the bson it was given: the driver's own, not the bson package's", () => {
    const driver = createCodec(BSON.EJSON);
    const id = new ObjectId();
    const back = driver.decode<{ id: ObjectId }>(viaJson(driver.encode({ id })));
    expect(back.id).toBeInstanceOf(ObjectId);
    expect(back.id.equals(id)).toBe(true);
    // The driver (CommonJS) and the bson package (ESM) are two copies: the classes differ.
    expect(ObjectId).not.toBe(BsonObjectId);
    expect(createCodec(EJSON).decode<{ id: unknown }>(viaJson(driver.encode({ id }))).id).toBeInstanceOf(BsonObjectId);
  });

  it("encodes the driver's values with the driver's EJSON", () => {
    const { encode } = createCodec(BSON.EJSON);
    expect(encode({ t: new Timestamp({ t: 5, i: 2 }), n: Long.fromNumber(7) })).toEqual({
      t: { $timestamp: { t: 5, i: 2 } },
      n: { $numberLong: '7' },
    });
  });

  it('decode turns numbers native but keeps Timestamps and unsafe Longs; decodeExact keeps every wrapper', () => {
    const codec = createCodec(BSON.EJSON);
    const wire = { a: { $numberInt: '1' }, b: { $numberLong: '9007199254740993' }, t: { $timestamp: { t: 1, i: 2 } } };
    const native = codec.decode<{ a: unknown; b: unknown; t: unknown }>(viaJson(wire));
    expect(native.a).toBe(1);
    expect(native.b).toBeInstanceOf(Long);
    expect(native.t).toBeInstanceOf(Timestamp);
    const exact = codec.decodeExact<{ a: { _bsontype: string } }>(viaJson(wire));
    expect(exact.a._bsontype).toBe('Int32');
  });
});
