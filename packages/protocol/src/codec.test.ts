import { ObjectId as BsonObjectId, EJSON } from 'bson';
import fc from 'fast-check';
import { BSON, Long, ObjectId, Timestamp } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createCodec, toNativeNumbers } from './codec.js';

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

// The codec walks plain structure itself and leaves the BSON types to bson: it must give exactly
// what bson's own EJSON.serialize / deserialize (plus the native-number step) give.
describe('createCodec matches bson exactly', () => {
  const bson = BSON.EJSON;
  const codec = createCodec(bson, BSON);
  const withoutClasses = createCodec(bson);
  const key = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom('__proto__', 'constructor', '$oid', '$date', '$numberLong', '$ref', '$id', 'a\0b', '$x'),
  );
  const leaf = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.constantFrom(
      0,
      -0,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 53 + 2,
      2 ** 63,
      2 ** 64,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    fc.string({ maxLength: 8 }),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.integer({ min: -8.64e15, max: 8.64e15 }).map((t) => new Date(t)),
    fc.constant(new Date(Number.NaN)),
    fc.uint8Array({ minLength: 12, maxLength: 12 }).map((b) => new ObjectId(b)),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => Long.fromBigInt(n)),
    fc.integer().map((n) => new BSON.Int32(n)),
    fc.double().map((n) => new BSON.Double(n)),
    fc
      .constantFrom('1.5', '-0', 'NaN', '1E+6144', '123456789012345678901234567890')
      .map((d) => BSON.Decimal128.fromString(d)),
    fc.record({ t: fc.nat(), i: fc.nat() }).map((ts) => new Timestamp(ts)),
    fc.uint8Array({ maxLength: 6 }).map((b) => new BSON.Binary(b, 0)),
    fc.constantFrom(
      new BSON.MinKey(),
      new BSON.MaxKey(),
      new BSON.BSONRegExp('a+', 'i'),
      /x.y/gi,
      new BSON.Code('f()'),
    ),
    fc.constantFrom(() => 1, Symbol('s')),
  );
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  }));
  const outcome = (f: () => unknown) => {
    try {
      return { ok: f() };
    } catch (error) {
      return { threw: (error as Error).name };
    }
  };

  it('refuses a circular structure, as bson does', () => {
    const loop: Record<string, unknown> = { a: [1] };
    (loop.a as unknown[]).push(loop);
    expect(() => codec.encode(loop)).toThrow(/circular/);
    expect(() => bson.serialize(loop, { relaxed: false })).toThrow(/circular/);
    const shared = { x: 1 };
    expect(codec.encode({ a: shared, b: shared })).toEqual(
      bson.serialize({ a: shared, b: shared }, { relaxed: false }),
    );
  });

  it('encode gives what bson serialize gives', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(outcome(() => codec.encode(v))).toEqual(outcome(() => bson.serialize(v, { relaxed: false })));
      }),
      { numRuns: 3000 },
    );
  });

  it('decode gives what bson deserialize gives, for what the codec writes and for any JSON', () => {
    const wire = fc.oneof(
      value
        .map((v) => outcome(() => viaJson(bson.serialize(v, { relaxed: false }))))
        .filter((o) => 'ok' in o)
        .map((o) => o.ok),
      fc.jsonValue(),
      fc.dictionary(key, fc.oneof(fc.jsonValue(), fc.dictionary(key, fc.jsonValue(), { maxKeys: 2 })), { maxKeys: 3 }),
      fc.constantFrom(
        { $numberLong: '-0' },
        { $numberLong: '0007' },
        { $numberLong: '+5' },
        { $numberInt: 'x' },
        { $numberInt: 5 },
        { $date: { $numberLong: '-0' } },
        { $date: { $numberLong: '8640000000000001' } },
        { $date: '2020-01-01T00:00:00Z' },
        { $date: { $numberLong: '1', x: 1 } },
        { $numberDouble: '-0.0' },
        { $numberDouble: 'Infinity' },
        { a: { $numberInt: '1', b: 2 } },
        { $oid: '0123456789abcdefABCDEF01' },
        { $oid: '0123456789abcdefABCDEF0' },
        { $oid: 5 },
        { $timestamp: { t: 4294967295, i: 0 } },
        { $timestamp: { t: 4294967296, i: 0 } },
        { $timestamp: { t: -1, i: 0 } },
        { $timestamp: { t: 1.5, i: 0 } },
        { $timestamp: { t: 1, i: 2, x: 3 } },
        { $timestamp: { t: '1', i: 2 } },
      ),
    );
    fc.assert(
      fc.property(wire, (x) => {
        const expected = outcome(() => toNativeNumbers(bson.deserialize(x as object, { relaxed: false })));
        expect(outcome(() => codec.decode(x))).toEqual(expected);
        expect(outcome(() => withoutClasses.decode(x))).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
