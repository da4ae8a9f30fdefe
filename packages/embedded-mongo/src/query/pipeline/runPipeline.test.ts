import { bsonTypeOf } from '@mongo-live/bson-order';
import { Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../errors.js';
import { runPipeline } from './runPipeline.js';

const orders = [
  { _id: 1, cust: 'a', qty: new Int32(2), price: 10, tags: ['x', 'y'] },
  { _id: 2, cust: 'b', qty: Long.fromNumber(1), price: 5.5, tags: [] },
  { _id: 3, cust: 'a', qty: 3, price: Decimal128.fromString('2.5') },
];

function pipelineError(pipeline: object[], docs: object[] = orders): CommandError {
  try {
    runPipeline(docs, pipeline);
  } catch (e) {
    if (e instanceof CommandError) return e;
    throw e;
  }
  throw new Error('expected a CommandError');
}

describe('runPipeline: filtering and paging', () => {
  it('matches with BSON numbers, sorts, skips, limits and counts', () => {
    expect(runPipeline(orders, [{ $match: { qty: { $gte: 2 } } }]).map((d) => d._id)).toEqual([1, 3]);
    expect(runPipeline(orders, [{ $sort: { qty: -1 } }, { $skip: 1 }, { $limit: 1 }]).map((d) => d._id)).toEqual([1]);
    expect(runPipeline(orders, [{ $match: { cust: 'a' } }, { $count: 'n' }])).toEqual([{ n: 2 }]);
    expect(runPipeline(orders, [{ $match: { cust: 'zz' } }, { $count: 'n' }])).toEqual([]);
  });

  it('does not mutate its input', () => {
    const docs = [{ _id: 1, a: { b: 1 } }];
    runPipeline(docs, [{ $set: { 'a.c': 2 } }, { $unset: 'a.b' }, { $project: { a: 1 } }]);
    expect(docs).toEqual([{ _id: 1, a: { b: 1 } }]);
  });

  it('rejects unknown stages and malformed ones', () => {
    const e = pipelineError([{ $foo: {} }]);
    expect([e.code, e.message]).toEqual([40324, "Unrecognized pipeline stage name: '$foo'"]);
    expect(pipelineError([{ $match: {}, $limit: 1 }]).code).toBe(40323);
    expect(pipelineError([{ $limit: 0 }]).code).toBe(15958);
  });
});

describe('runPipeline: reshaping', () => {
  it('adds, sets, unsets and projects fields with BSON-aware arithmetic', () => {
    const out = runPipeline(orders, [
      { $set: { total: { $multiply: ['$qty', '$price'] } } },
      { $project: { total: 1 } },
    ]);
    expect(out.map((d) => String(d.total))).toEqual(['20', '5.5', '7.5']);
    expect(bsonTypeOf(out[2]!.total)).toBe('decimal');
    const added = runPipeline([{ _id: 1, a: new Int32(2147483647) }], [{ $addFields: { b: { $add: ['$a', 1] } } }]);
    expect(bsonTypeOf(added[0]!.b)).toBe('long');
    expect(runPipeline([{ _id: 1, a: 1, b: 2 }], [{ $unset: ['a'] }])).toEqual([{ _id: 1, b: 2 }]);
  });

  it('adds fields into embedded documents and arrays of documents, evaluating against the input', () => {
    expect(runPipeline([{ _id: 1, a: [{ x: 1 }, { x: 2 }] }], [{ $addFields: { 'a.b': 1 } }])).toEqual([
      {
        _id: 1,
        a: [
          { x: 1, b: 1 },
          { x: 2, b: 1 },
        ],
      },
    ]);
    expect(runPipeline([{ _id: 1, s: { x: 1 } }], [{ $set: { s: { y: '$s.x' } } }])).toEqual([
      { _id: 1, s: { x: 1, y: 1 } },
    ]);
    const swapped = runPipeline([{ _id: 1, a: 1, b: 2 }], [{ $set: { a: '$b', b: '$a', c: '$$REMOVE' } }]);
    expect(swapped).toEqual([{ _id: 1, a: 2, b: 1 }]);
    expect(Object.keys(runPipeline([{ _id: 1, a: 1 }], [{ $set: { z: 1, a: 0 } }])[0]!)).toEqual(['_id', 'a', 'z']);
  });

  it('replaces the root and redacts', () => {
    expect(runPipeline([{ _id: 1, inner: { x: 1 } }], [{ $replaceRoot: { newRoot: '$inner' } }])).toEqual([{ x: 1 }]);
    expect(runPipeline([{ _id: 1, inner: { x: 1 } }], [{ $replaceWith: '$inner' }])).toEqual([{ x: 1 }]);
    const redacted = runPipeline(
      [{ _id: 1, level: 1, sub: { level: 5, secret: 1 } }],
      [{ $redact: { $cond: [{ $gt: ['$level', 3] }, '$$PRUNE', '$$DESCEND'] } }],
    );
    expect(redacted).toEqual([{ _id: 1, level: 1 }]);
  });

  it('unwinds arrays with the MongoDB options', () => {
    expect(runPipeline(orders, [{ $unwind: '$tags' }]).map((d) => [d._id, d.tags])).toEqual([
      [1, 'x'],
      [1, 'y'],
    ]);
    const kept = runPipeline(orders, [
      { $unwind: { path: '$tags', preserveNullAndEmptyArrays: true, includeArrayIndex: 'i' } },
    ]);
    expect(kept.map((d) => [d._id, d.tags, d.i === null ? null : Number(d.i)])).toEqual([
      [1, 'x', 0],
      [1, 'y', 1],
      [2, undefined, null],
      [3, undefined, null],
    ]);
    expect(runPipeline([{ _id: 1, a: 5 }], [{ $unwind: '$a' }])).toEqual([{ _id: 1, a: 5 }]);
  });

  it('passes variables such as CLUSTER_TIME and NOW to expressions', () => {
    const ts = new Timestamp({ t: 5, i: 1 });
    const now = new Date(1234);
    const out = runPipeline([{ _id: 1 }], [{ $set: { ct: '$$CLUSTER_TIME', now: '$$NOW' } }], {
      variables: { CLUSTER_TIME: ts, NOW: now },
    });
    expect(out).toEqual([{ _id: 1, ct: ts, now }]);
    expect(
      runPipeline([{ _id: 1, a: 2 }], [{ $match: { $expr: { $eq: ['$a', '$$want'] } } }], { variables: { want: 2 } }),
    ).toHaveLength(1);
  });
});

describe('runPipeline: grouping', () => {
  it('groups numerically equal keys of any type together and sums with type promotion', () => {
    const docs = [
      { k: 1, v: new Int32(1) },
      { k: Long.fromNumber(1), v: Long.fromNumber(2) },
      { k: Decimal128.fromString('1.0'), v: new Double(0.5) },
      { k: 'x', v: 1 },
    ];
    const out = runPipeline(docs, [
      { $group: { _id: '$k', n: { $sum: 1 }, total: { $sum: '$v' }, avg: { $avg: '$v' } } },
    ]);
    expect(out).toHaveLength(2);
    expect(out[0]!.n).toBe(3);
    expect(Number(out[0]!.total)).toBe(3.5);
    expect(bsonTypeOf(out[0]!.total)).toBe('double');
    expect(Number(out[0]!.avg)).toBeCloseTo(3.5 / 3);
    expect(out[1]).toEqual({ _id: 'x', n: 1, total: 1, avg: new Double(1) });
  });

  it('uses BSON order for $min/$max and groups by ObjectId and documents', () => {
    const id = new ObjectId();
    const docs = [
      { g: { a: id }, v: Long.fromNumber(10) },
      { g: { a: new ObjectId(id.toHexString()) }, v: 9.5 },
      { g: null, v: 'z' },
      { v: 1 },
    ];
    const out = runPipeline(docs, [
      { $group: { _id: '$g', lo: { $min: '$v' }, hi: { $max: '$v' }, all: { $push: '$v' } } },
    ]);
    expect(out).toHaveLength(2);
    expect(out[0]!.lo).toBe(9.5);
    expect(out[0]!.hi).toEqual(Long.fromNumber(10));
    expect(out[1]!._id).toBeNull();
    expect(out[1]!.all).toEqual(['z', 1]);
  });

  it('sorts by count and buckets', () => {
    const docs = [{ c: 'a' }, { c: 'b' }, { c: 'a' }];
    expect(runPipeline(docs, [{ $sortByCount: '$c' }])).toEqual([
      { _id: 'a', count: 2 },
      { _id: 'b', count: 1 },
    ]);
    const bucketed = runPipeline(
      [{ p: 1 }, { p: 15 }, { p: 30 }],
      [{ $bucket: { groupBy: '$p', boundaries: [0, 10, 20], default: 'other' } }],
    );
    expect(bucketed).toEqual([
      { _id: 0, count: 1 },
      { _id: 10, count: 1 },
      { _id: 'other', count: 1 },
    ]);
  });

  it('buckets BSON numbers by value', () => {
    const docs = [{ p: Long.fromNumber(1) }, { p: new Int32(15) }, { p: Decimal128.fromString('12.5') }];
    expect(runPipeline(docs, [{ $bucket: { groupBy: '$p', boundaries: [0, 10, Long.fromNumber(20)] } }])).toEqual([
      { _id: 0, count: 1 },
      { _id: 10, count: 2 },
    ]);
  });

  it('runs $facet sub-pipelines over the same input', () => {
    expect(
      runPipeline(orders, [{ $facet: { n: [{ $count: 'n' }], ids: [{ $project: { _id: 1 } }, { $limit: 1 }] } }]),
    ).toEqual([{ n: [{ n: 3 }], ids: [{ _id: 1 }] }]);
  });
});

describe('runPipeline: joins', () => {
  const inventory = [
    { _id: 'i1', sku: 'a', stock: 5 },
    { _id: 'i2', sku: 'b', stock: 0 },
    { _id: 'i3', stock: 9 },
  ];
  const resolveCollection = (_db: string | undefined, coll: string) => (coll === 'inventory' ? inventory : []);

  it('looks up by local and foreign field, missing matching null', () => {
    const docs = [{ _id: 1, item: 'a' }, { _id: 2, item: ['a', 'b'] }, { _id: 3 }];
    const out = runPipeline(
      docs,
      [{ $lookup: { from: 'inventory', localField: 'item', foreignField: 'sku', as: 'inv' } }],
      {
        resolveCollection,
      },
    );
    expect(out.map((d) => (d.inv as Array<{ _id: string }>).map((i) => i._id))).toEqual([['i1'], ['i1', 'i2'], ['i3']]);
  });

  it('reads the local field through arrays of documents', () => {
    const out = runPipeline(
      [{ _id: 1, lines: [{ sku: 'a' }, { sku: 'b' }] }],
      [{ $lookup: { from: 'inventory', localField: 'lines.sku', foreignField: 'sku', as: 'inv' } }],
      { resolveCollection },
    );
    expect((out[0]!.inv as Array<{ _id: string }>).map((i) => i._id)).toEqual(['i1', 'i2']);
  });

  it('looks up with let and a pipeline', () => {
    const out = runPipeline(
      [{ _id: 1, min: 1 }],
      [
        {
          $lookup: {
            from: 'inventory',
            let: { m: '$min' },
            pipeline: [{ $match: { $expr: { $gte: ['$stock', '$$m'] } } }, { $project: { _id: 1 } }],
            as: 'ok',
          },
        },
      ],
      { resolveCollection },
    );
    expect(out[0]!.ok).toEqual([{ _id: 'i1' }, { _id: 'i3' }]);
  });

  it('unions with another collection', () => {
    expect(
      runPipeline([{ _id: 0 }], [{ $unionWith: { coll: 'inventory', pipeline: [{ $match: { stock: 0 } }] } }], {
        resolveCollection,
      }).map((d) => d._id),
    ).toEqual([0, 'i2']);
  });
});

describe('runPipeline: expressions over BSON values', () => {
  const doc = {
    _id: new ObjectId('64b7f0c2a1b2c3d4e5f60718'),
    l: Long.fromNumber(5),
    i: new Int32(3),
    d: Decimal128.fromString('2.5'),
    ts: new Timestamp({ t: 7, i: 2 }),
    arr: [1, 2, 3, 4, 5, 6],
  };
  const evalOne = (expr: unknown) => runPipeline([doc], [{ $project: { _id: 0, r: expr } }])[0]!.r;

  it('converts between BSON types', () => {
    expect(evalOne({ $toString: '$_id' })).toBe('64b7f0c2a1b2c3d4e5f60718');
    expect(evalOne({ $toString: '$l' })).toBe('5');
    expect(evalOne({ $toLong: '$i' })).toEqual(Long.fromNumber(3));
    expect(evalOne({ $toInt: '$l' })).toEqual(new Int32(5));
    expect(evalOne({ $toDecimal: '$i' })).toEqual(Decimal128.fromString('3'));
    expect(evalOne({ $toObjectId: '64b7f0c2a1b2c3d4e5f60718' })).toEqual(doc._id);
    expect(evalOne({ $isNumber: '$l' })).toBe(true);
    expect(evalOne({ $type: '$d' })).toBe('decimal');
    expect(evalOne({ $tsSecond: '$ts' })).toEqual(Long.fromNumber(7));
    expect(evalOne({ $tsIncrement: '$ts' })).toEqual(Long.fromNumber(2));
  });

  it('feeds BSON numbers to math and index operators', () => {
    expect(evalOne({ $abs: { $subtract: [0, '$l'] } })).toBe(5);
    expect(evalOne({ $mod: ['$l', 2] })).toBe(1);
    expect(evalOne({ $arrayElemAt: ['$arr', '$l'] })).toBe(6);
    expect(evalOne({ $slice: ['$arr', '$i'] })).toEqual([1, 2, 3]);
    expect(evalOne({ $floor: '$d' })).toBe(2);
    expect(evalOne({ $cond: [{ $gt: ['$l', '$d'] }, 'long', 'decimal'] })).toBe('long');
  });

  it('projects like MongoDB: _id first, then kept fields in document order, then computed ones', () => {
    const out = runPipeline([doc], [{ $project: { ts: 1, computed: { $literal: 1 }, l: 1 } }])[0]!;
    expect(Object.keys(out)).toEqual(['_id', 'l', 'ts', 'computed']);
    expect(runPipeline([doc], [{ $project: { arr: 0, _id: 0, ts: 0 } }])).toEqual([{ l: doc.l, i: doc.i, d: doc.d }]);
  });
});
