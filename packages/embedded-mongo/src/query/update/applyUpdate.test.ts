import { bsonTypeOf } from '@mongo-live/bson-order';
import { Decimal128, Double, Int32, Long, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../errors.js';
import { applyUpdate } from './applyUpdate.js';

function updateError(doc: object, update: object, options?: object): CommandError {
  try {
    applyUpdate(doc, update as never, options);
  } catch (e) {
    if (e instanceof CommandError) return e;
    throw e;
  }
  throw new Error('expected a CommandError');
}

describe('applyUpdate: basics', () => {
  it('never mutates the input document', () => {
    const doc = { _id: 1, a: { b: [1, 2] }, c: 1 };
    const snapshot = structuredClone(doc);
    applyUpdate(doc, { $set: { 'a.b.0': 9, x: 1 }, $unset: { c: '' } });
    applyUpdate(doc, { $push: { 'a.b': 3 }, $inc: { 'a.c': 1 } });
    applyUpdate(doc, { y: 1 });
    applyUpdate(doc, [{ $set: { 'a.z': 1 } }]);
    expect(doc).toEqual(snapshot);
  });

  it('keeps existing field positions and appends new fields in path order', () => {
    const out = applyUpdate({ _id: 1, b: 1, a: 1 }, { $set: { z: 1, b: 2, c: 3 } });
    expect(Object.keys(out)).toEqual(['_id', 'b', 'a', 'c', 'z']);
    expect(out.b).toBe(2);
    const nested = applyUpdate({ _id: 1 }, { $set: { 'x.10': 1, 'x.9': 1, 'x.a': 1 } });
    expect(Object.keys(nested.x)).toEqual(['9', '10', 'a']);
  });

  it('creates nested documents for dotted paths and pads arrays with null', () => {
    expect(applyUpdate({ _id: 1 }, { $set: { 'a.b.c': 1 } })).toEqual({ _id: 1, a: { b: { c: 1 } } });
    expect(applyUpdate({ _id: 1, a: [1] }, { $set: { 'a.3': 4 } })).toEqual({ _id: 1, a: [1, null, null, 4] });
    expect(applyUpdate({ _id: 1, a: [{ b: 1 }] }, { $set: { 'a.0.c': 2 } })).toEqual({ _id: 1, a: [{ b: 1, c: 2 }] });
  });

  it('reports paths that cannot be created (PathNotViable 28)', () => {
    const e = updateError({ _id: 1, a: 1 }, { $set: { 'a.b': 1 } });
    expect([e.code, e.codeName]).toEqual([28, 'PathNotViable']);
    expect(e.message).toBe("Cannot create field 'b' in element {a: 1}");
    expect(updateError({ _id: 1, a: [1] }, { $set: { 'a.b': 1 } }).code).toBe(28);
    expect(updateError({ _id: 1, a: null }, { $inc: { 'a.b': 1 } }).code).toBe(28);
  });

  it('rejects unknown modifiers (FailedToParse 9) and non-object arguments', () => {
    const e = updateError({ _id: 1 }, { $foo: { a: 1 } });
    expect(e.code).toBe(9);
    expect(e.message).toBe(
      'Unknown modifier: $foo. Expected a valid update modifier or pipeline-style update specified as an array',
    );
    expect(updateError({ _id: 1 }, { $set: { a: 1 }, b: 2 }).message).toContain('Unknown modifier: b');
    expect(updateError({ _id: 1 }, { $set: 5 }).code).toBe(9);
  });

  it('rejects conflicting paths (ConflictingUpdateOperators 40)', () => {
    const e = updateError({ _id: 1 }, { $set: { x: 1 }, $inc: { x: 1 } });
    expect([e.code, e.message]).toEqual([40, "Updating the path 'x' would create a conflict at 'x'"]);
    expect(updateError({ _id: 1 }, { $set: { a: 1, 'a.b': 1 } }).message).toBe(
      "Updating the path 'a.b' would create a conflict at 'a'",
    );
    expect(updateError({ _id: 1 }, { $set: { 'a.b': 1 }, $unset: { a: 1 } }).message).toBe(
      "Updating the path 'a' would create a conflict at 'a'",
    );
    expect(updateError({ _id: 1, a: 1 }, { $rename: { a: 'b' }, $set: { b: 1 } }).code).toBe(40);
    expect(applyUpdate({ _id: 1 }, { $set: { ab: 1, 'a.b': 2 } })).toEqual({ _id: 1, a: { b: 2 }, ab: 1 });
  });

  it('protects _id (ImmutableField 66)', () => {
    const e = updateError({ _id: 1 }, { $set: { _id: 2 } });
    expect([e.code, e.codeName, e.message]).toEqual([
      66,
      'ImmutableField',
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    ]);
    expect(updateError({ _id: { a: 1 } }, { $set: { '_id.a': 2 } }).code).toBe(66);
    expect(updateError({ _id: 1 }, { $unset: { _id: '' } }).code).toBe(66);
    expect(updateError({ _id: 1 }, { _id: 2, a: 1 }).code).toBe(66);
    expect(applyUpdate({ _id: 1 }, { $set: { _id: 1, a: 1 } })).toEqual({ _id: 1, a: 1 });
  });
});

describe('applyUpdate: field operators', () => {
  it('unsets fields; inside arrays elements become null', () => {
    expect(applyUpdate({ _id: 1, a: 1, b: 2 }, { $unset: { a: '', zz: '' } })).toEqual({ _id: 1, b: 2 });
    expect(applyUpdate({ _id: 1, a: [1, 2] }, { $unset: { 'a.0': '' } })).toEqual({ _id: 1, a: [null, 2] });
    expect(applyUpdate({ _id: 1, a: 5 }, { $unset: { 'a.b': '' } })).toEqual({ _id: 1, a: 5 });
  });

  it('keeps BSON numeric types through $inc', () => {
    const inc = (a: unknown, by: unknown) => applyUpdate({ _id: 1, a }, { $inc: { a: by } }).a;
    expect(inc(new Int32(1), new Int32(2))).toEqual(new Int32(3));
    expect(inc(1, 2)).toBe(3);
    const overflow = inc(new Int32(2147483647), new Int32(1));
    expect(bsonTypeOf(overflow)).toBe('long');
    expect(String(overflow)).toBe('2147483648');
    expect(bsonTypeOf(inc(2147483647, 1))).toBe('long');
    expect(bsonTypeOf(inc(new Int32(1), 0.5))).toBe('double');
    const wholeDouble = inc(1.5, 0.5);
    expect(bsonTypeOf(wholeDouble)).toBe('double');
    expect(Number(wholeDouble)).toBe(2);
    expect(inc(Long.fromNumber(5), new Int32(1))).toEqual(Long.fromNumber(6));
    expect(String(inc(Decimal128.fromString('1.1'), 1))).toBe('2.1');
    expect(bsonTypeOf(inc(1, Decimal128.fromString('0.5')))).toBe('decimal');
    expect(String(inc(1, Decimal128.fromString('0.5')))).toBe('1.5');
    expect(applyUpdate({ _id: 1 }, { $inc: { n: Long.fromNumber(3) } }).n).toEqual(Long.fromNumber(3));
  });

  it('reports $inc type errors (TypeMismatch 14) and long overflow', () => {
    const e = updateError({ _id: 1, a: 'x' }, { $inc: { a: 1 } });
    expect([e.code, e.codeName]).toEqual([14, 'TypeMismatch']);
    expect(e.message).toBe(
      "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'a' of non-numeric type string",
    );
    expect(updateError({ _id: 1, a: 1 }, { $inc: { a: 'x' } }).message).toBe(
      'Cannot increment with non-numeric argument: {a: "x"}',
    );
    expect(updateError({ _id: 1, a: Long.MAX_VALUE }, { $inc: { a: 1 } }).code).toBe(2);
  });

  it('multiplies with $mul, setting a zero of the multiplier type when missing', () => {
    expect(applyUpdate({ _id: 1, a: new Int32(3) }, { $mul: { a: new Int32(4) } }).a).toEqual(new Int32(12));
    expect(bsonTypeOf(applyUpdate({ _id: 1, a: 65536 }, { $mul: { a: 65536 } }).a)).toBe('long');
    expect(bsonTypeOf(applyUpdate({ _id: 1, a: 3 }, { $mul: { a: 1.5 } }).a)).toBe('double');
    const missing = applyUpdate({ _id: 1 }, { $mul: { a: Long.fromNumber(5) } }).a;
    expect(bsonTypeOf(missing)).toBe('long');
    expect(Number(missing)).toBe(0);
    expect(updateError({ _id: 1, a: true }, { $mul: { a: 2 } }).code).toBe(14);
  });

  it('applies $min and $max in BSON order', () => {
    expect(applyUpdate({ _id: 1, a: 5 }, { $min: { a: Long.fromNumber(3) } }).a).toEqual(Long.fromNumber(3));
    expect(applyUpdate({ _id: 1, a: 5 }, { $min: { a: 7 } }).a).toBe(5);
    expect(applyUpdate({ _id: 1, a: 5 }, { $max: { a: 'x' } }).a).toBe('x'); // strings sort above numbers
    expect(applyUpdate({ _id: 1 }, { $max: { a: 1 } }).a).toBe(1);
  });

  it('renames fields, moving them to the end', () => {
    expect(applyUpdate({ _id: 1, a: 1, b: 2 }, { $rename: { a: 'c' } })).toEqual({ _id: 1, b: 2, c: 1 });
    expect(Object.keys(applyUpdate({ _id: 1, a: 1, b: 2 }, { $rename: { a: 'c' } }))).toEqual(['_id', 'b', 'c']);
    expect(applyUpdate({ _id: 1, a: { b: 1 } }, { $rename: { 'a.b': 'x.y' } })).toEqual({ _id: 1, a: {}, x: { y: 1 } });
    expect(applyUpdate({ _id: 1 }, { $rename: { a: 'b' } })).toEqual({ _id: 1 });
    expect(updateError({ _id: 1, a: 1 }, { $rename: { a: 'a' } }).code).toBe(2);
    expect(updateError({ _id: 1, a: 1 }, { $rename: { a: 5 } }).code).toBe(2);
    expect(updateError({ _id: 1, a: [{ b: 1 }] }, { $rename: { 'a.b': 'c' } }).code).toBe(28);
  });

  it('sets $currentDate as a date or a timestamp', () => {
    const now = new Date(1_700_000_000_000);
    const clusterTime = new Timestamp({ t: 1_700_000_000, i: 7 });
    const out = applyUpdate(
      { _id: 1 },
      { $currentDate: { d: true, t: { $type: 'timestamp' }, e: { $type: 'date' } } },
      {
        now,
        clusterTime,
      } as never,
    );
    expect(out.d).toEqual(now);
    expect(out.e).toEqual(now);
    expect(out.t).toEqual(clusterTime);
    expect(updateError({ _id: 1 }, { $currentDate: { d: 5 } }).code).toBe(2);
  });

  it('applies $setOnInsert only when inserting an upsert', () => {
    expect(applyUpdate({ _id: 1 }, { $setOnInsert: { a: 1 }, $set: { b: 1 } })).toEqual({ _id: 1, b: 1 });
    expect(applyUpdate({ _id: 1 }, { $setOnInsert: { a: 1 }, $set: { b: 1 } }, { isUpsertInsert: true })).toEqual({
      _id: 1,
      a: 1,
      b: 1,
    });
    expect(updateError({ _id: 1 }, { $setOnInsert: { a: 1 }, $set: { a: 2 } }).code).toBe(40);
  });

  it('applies $bit and/or/xor keeping int or long', () => {
    expect(applyUpdate({ _id: 1, a: 13 }, { $bit: { a: { and: 10 } } }).a).toBe(8);
    expect(applyUpdate({ _id: 1, a: 13 }, { $bit: { a: { or: 2, xor: 1 } } }).a).toBe(14);
    expect(applyUpdate({ _id: 1, a: 1 }, { $bit: { a: { or: Long.fromNumber(4) } } }).a).toEqual(Long.fromNumber(5));
    expect(applyUpdate({ _id: 1 }, { $bit: { a: { or: 5 } } }).a).toBe(5);
    expect(updateError({ _id: 1, a: 1.5 }, { $bit: { a: { and: 1 } } }).code).toBe(14);
    expect(updateError({ _id: 1, a: 1 }, { $bit: { a: { not: 1 } } }).code).toBe(2);
    expect(updateError({ _id: 1, a: 1 }, { $bit: { a: { and: 1.5 } } }).code).toBe(2);
  });
});

describe('applyUpdate: array operators', () => {
  it('pushes with $each, $position, $sort and $slice', () => {
    const doc = { _id: 1, a: [3, 1] };
    expect(applyUpdate(doc, { $push: { a: 2 } }).a).toEqual([3, 1, 2]);
    expect(applyUpdate(doc, { $push: { a: { $each: [5, 4], $position: 0 } } }).a).toEqual([5, 4, 3, 1]);
    expect(applyUpdate(doc, { $push: { a: { $each: [9], $position: -1 } } }).a).toEqual([3, 9, 1]);
    expect(applyUpdate(doc, { $push: { a: { $each: [2], $sort: 1 } } }).a).toEqual([1, 2, 3]);
    expect(applyUpdate(doc, { $push: { a: { $each: [2], $sort: -1, $slice: 2 } } }).a).toEqual([3, 2]);
    expect(applyUpdate(doc, { $push: { a: { $each: [2], $slice: -2 } } }).a).toEqual([1, 2]);
    expect(applyUpdate(doc, { $push: { a: { $each: [], $slice: 0 } } }).a).toEqual([]);
    const docs = { _id: 1, s: [{ n: 2 }, { n: 1 }] };
    expect(applyUpdate(docs, { $push: { s: { $each: [{ n: 0 }], $sort: { n: 1 } } } }).s).toEqual([
      { n: 0 },
      { n: 1 },
      { n: 2 },
    ]);
    expect(applyUpdate({ _id: 1 }, { $push: { a: { b: 1 } } }).a).toEqual([{ b: 1 }]);
  });

  it('rejects $push on non-arrays and bad modifiers', () => {
    const e = updateError({ _id: 1, a: 1 }, { $push: { a: 2 } });
    expect([e.code, e.message]).toEqual([2, "The field 'a' must be an array but is of type int in document {_id: 1}"]);
    expect(updateError({ _id: 1, a: [] }, { $push: { a: { $each: 1 } } }).code).toBe(2);
    expect(updateError({ _id: 1, a: [] }, { $push: { a: { $each: [1], $foo: 1 } } }).code).toBe(2);
    expect(updateError({ _id: 1, a: [] }, { $push: { a: { $each: [1], $slice: 1.5 } } }).code).toBe(2);
  });

  it('adds to sets without duplicates (numbers equal across types)', () => {
    expect(applyUpdate({ _id: 1, a: [1, 2] }, { $addToSet: { a: 2 } }).a).toEqual([1, 2]);
    expect(applyUpdate({ _id: 1, a: [1, 2] }, { $addToSet: { a: new Double(2) } }).a).toEqual([1, 2]);
    expect(applyUpdate({ _id: 1, a: [1] }, { $addToSet: { a: { $each: [1, 3, 3] } } }).a).toEqual([1, 3]);
    expect(applyUpdate({ _id: 1, a: [{ x: 1, y: 2 }] }, { $addToSet: { a: { y: 2, x: 1 } } }).a).toHaveLength(2);
    expect(applyUpdate({ _id: 1 }, { $addToSet: { a: 1 } }).a).toEqual([1]);
    expect(updateError({ _id: 1, a: 1 }, { $addToSet: { a: 1 } }).code).toBe(2);
  });

  it('pops first or last elements', () => {
    expect(applyUpdate({ _id: 1, a: [1, 2, 3] }, { $pop: { a: 1 } }).a).toEqual([1, 2]);
    expect(applyUpdate({ _id: 1, a: [1, 2, 3] }, { $pop: { a: -1 } }).a).toEqual([2, 3]);
    expect(applyUpdate({ _id: 1 }, { $pop: { a: 1 } })).toEqual({ _id: 1 });
    expect(updateError({ _id: 1, a: [] }, { $pop: { a: 2 } }).code).toBe(9);
    expect(updateError({ _id: 1, a: 1 }, { $pop: { a: 1 } }).code).toBe(14);
  });

  it('pulls by value, by condition and by document query', () => {
    expect(applyUpdate({ _id: 1, a: [1, 2, 3, 2] }, { $pull: { a: 2 } }).a).toEqual([1, 3]);
    expect(applyUpdate({ _id: 1, a: [1, 5, 8] }, { $pull: { a: { $gte: 5 } } }).a).toEqual([1]);
    expect(applyUpdate({ _id: 1, a: ['ab', 'cd'] }, { $pull: { a: /^a/ } }).a).toEqual(['cd']);
    const docs = {
      _id: 1,
      a: [
        { s: 8, i: 'B' },
        { s: 7, i: 'B' },
        { s: 8, i: 'C' },
      ],
    };
    expect(applyUpdate(docs, { $pull: { a: { s: 8, i: 'B' } } }).a).toEqual([
      { s: 7, i: 'B' },
      { s: 8, i: 'C' },
    ]);
    expect(applyUpdate({ _id: 1, a: [Long.fromNumber(2), 3] }, { $pull: { a: 2 } }).a).toEqual([3]);
    expect(applyUpdate({ _id: 1 }, { $pull: { a: 1 } })).toEqual({ _id: 1 });
    expect(updateError({ _id: 1, a: 1 }, { $pull: { a: 1 } }).code).toBe(2);
  });

  it('pulls all listed values', () => {
    expect(applyUpdate({ _id: 1, a: [0, 2, 5, 5, 1, 0] }, { $pullAll: { a: [0, 5] } }).a).toEqual([2, 1]);
    expect(updateError({ _id: 1, a: [1] }, { $pullAll: { a: 1 } }).code).toBe(2);
  });
});

describe('applyUpdate: positional paths', () => {
  it('resolves $ from the query', () => {
    const doc = { _id: 1, grades: [80, 85, 90] };
    expect(applyUpdate(doc, { $set: { 'grades.$': 82 } }, { query: { grades: 85 } }).grades).toEqual([80, 82, 90]);
    const d2 = {
      _id: 1,
      items: [
        { k: 'a', n: 1 },
        { k: 'b', n: 1 },
      ],
    };
    expect(applyUpdate(d2, { $inc: { 'items.$.n': 5 } }, { query: { 'items.k': 'b' } }).items).toEqual([
      { k: 'a', n: 1 },
      { k: 'b', n: 6 },
    ]);
    expect(updateError(doc, { $set: { 'grades.$': 1 } }, { query: { _id: 1 } }).code).toBe(2);
    expect(updateError(doc, { $set: { 'grades.$': 1 } }).code).toBe(2);
  });

  it('updates every element with $[] and matching elements with $[id]', () => {
    const doc = { _id: 1, a: [{ n: 1 }, { n: 5 }, { n: 9 }] };
    expect(applyUpdate(doc, { $inc: { 'a.$[].n': 1 } }).a).toEqual([{ n: 2 }, { n: 6 }, { n: 10 }]);
    expect(applyUpdate(doc, { $set: { 'a.$[big].n': 0 } }, { arrayFilters: [{ 'big.n': { $gte: 5 } }] }).a).toEqual([
      { n: 1 },
      { n: 0 },
      { n: 0 },
    ]);
    const nested = { _id: 1, m: [[1, 2], [3]] };
    expect(applyUpdate(nested, { $set: { 'm.$[].$[x]': 0 } }, { arrayFilters: [{ x: { $gt: 1 } }] }).m).toEqual([
      [1, 0],
      [0],
    ]);
  });

  it('rejects bad or unused array filters', () => {
    const doc = { _id: 1, a: [1] };
    expect(updateError(doc, { $set: { 'a.$[x]': 1 } }).code).toBe(2);
    expect(updateError(doc, { $set: { a: 1 } }, { arrayFilters: [{ x: 1 }] }).code).toBe(9);
    expect(updateError(doc, { $set: { 'a.$[X]': 1 } }, { arrayFilters: [{ X: 1 }] }).code).toBe(2);
    expect(updateError({ _id: 1, a: 1 }, { $set: { 'a.$[]': 1 } }).code).toBe(2);
  });

  it('detects conflicts that only appear once positions are resolved', () => {
    const e = updateError({ _id: 1, a: [1, 2] }, { $set: { 'a.$[]': 0, 'a.0': 1 } });
    expect(e.code).toBe(40);
  });
});

describe('applyUpdate: replacement and pipeline', () => {
  it('replaces the document, keeping _id first', () => {
    const out = applyUpdate({ _id: 1, a: 1 }, { b: 2 });
    expect(out).toEqual({ _id: 1, b: 2 });
    expect(Object.keys(out)).toEqual(['_id', 'b']);
    expect(applyUpdate({ _id: 1, a: 1 }, { b: 2, _id: 1 })).toEqual({ b: 2, _id: 1 });
    expect(applyUpdate({ _id: 1, a: 1 }, {})).toEqual({ _id: 1 });
  });

  it('rejects top-level $ fields in replacements (DollarPrefixedFieldName 52)', () => {
    expect(updateError({ _id: 1 }, { a: 1, $b: 1 }).code).toBe(52);
  });

  it('runs pipeline updates with $set, $unset, $project, $replaceWith', () => {
    const doc = { _id: 1, a: new Int32(2), b: 3, c: { d: 1 } };
    expect(applyUpdate(doc, [{ $set: { s: { $add: ['$a', '$b'] } } }, { $unset: 'c' }])).toEqual({
      _id: 1,
      a: new Int32(2),
      b: 3,
      s: new Int32(5),
    });
    expect(applyUpdate(doc, [{ $project: { b: 1 } }])).toEqual({ _id: 1, b: 3 });
    expect(applyUpdate(doc, [{ $replaceWith: { _id: '$_id', x: '$c.d' } }])).toEqual({ _id: 1, x: 1 });
    expect(applyUpdate(doc, [{ $set: { t: '$$NOW' } }], { now: new Date(5) } as never).t).toEqual(new Date(5));
    expect(updateError(doc, [{ $match: { a: 1 } }]).code).toBe(72);
    expect(updateError(doc, [{ $set: { _id: 2 } }]).code).toBe(66);
  });
});
