import { encode } from '@mongo-live/protocol';
// The validator decodes into the driver's BSON classes, so the expectations use the driver's too.
import { Long, ObjectId, Timestamp } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../errors.js';
import { resolveLimits } from '../limits.js';
import { RequestValidator } from './RequestValidator.js';

const validator = new RequestValidator(resolveLimits({ maxPayloadBytes: 4096, maxDepth: 12, maxPipelineStages: 4 }));

function errorOf(fn: () => unknown): BridgeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BridgeError) return error;
    throw error;
  }
  throw new Error('expected a BridgeError');
}

describe('RequestValidator.watch', () => {
  it('decodes every option from EJSON', () => {
    const token = { _data: '8263A1' };
    const ts = new Timestamp({ t: 5, i: 1 });
    const id = new ObjectId();
    // Every option whose EJSON form is its driver form (plain values): decoded to an equal object.
    const options = {
      fullDocument: 'whenAvailable',
      fullDocumentBeforeChange: 'required',
      startAfter: token,
      maxAwaitTimeMS: 500,
      batchSize: 10,
      collation: { locale: 'en', strength: 2 },
      showExpandedEvents: true,
    };
    const w = validator.watch({
      v: 1,
      subId: 's',
      target: { db: 'shop', collection: 'orders' },
      pipeline: encode([
        { $match: { 'fullDocument.owner': id, 'fullDocument.n': Long.fromString('9007199254740993') } },
      ]),
      options,
    });
    expect(w.pipeline[0]!.$match['fullDocument.owner']).toEqual(id);
    expect(w.pipeline[0]!.$match['fullDocument.n']).toBeInstanceOf(Long);
    expect(w.options).toEqual(options);
    expect(w.options).not.toBe(options);
    expect(w.resumes).toBe(true);
    const t = validator.watch({ v: 1, subId: 't', target: {}, options: { startAtOperationTime: encode(ts) } });
    expect(t.options.startAtOperationTime).toEqual(ts);
    expect(t.db).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ['wrong version', { v: 2, subId: 's', target: {} }, 'protocol version mismatch: the bridge speaks v1'],
    ['missing version', { subId: 's', target: {} }, 'protocol version mismatch'],
    ['unknown field', { v: 1, subId: 's', target: {}, extra: 1 }, 'Unrecognized key'],
    ['unknown option', { v: 1, subId: 's', target: {}, options: { hack: 1 } }, 'Unrecognized key'],
    ['wrong type', { v: 1, subId: 5, target: {} }, 'subId'],
    ['bad fullDocument', { v: 1, subId: 's', target: {}, options: { fullDocument: 'all' } }, 'fullDocument'],
    ['collection without db', { v: 1, subId: 's', target: { collection: 'c' } }, 'requires target.db'],
    ['bad db name', { v: 1, subId: 's', target: { db: 'a.b' } }, 'invalid database name'],
    ['system collection', { v: 1, subId: 's', target: { db: 'a', collection: 'system.users' } }, 'system'],
    ['two starts', { v: 1, subId: 's', target: {}, options: { resumeAfter: {}, startAfter: {} } }, 'at most one'],
    [
      'bad timestamp',
      { v: 1, subId: 's', target: {}, options: { startAtOperationTime: { $date: 1 } } },
      'startAtOperationTime',
    ],
    ['not an object', 'watch me', 'must be an object'],
    ['array', [1], 'must be an object'],
    ['empty subId', { v: 1, subId: '', target: {} }, 'subId'],
  ])('refuses %s with INVALID_REQUEST', (_name, payload, message) => {
    const error = errorOf(() => validator.watch(payload));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain(message);
  });

  it('refuses forbidden keys, depth and size before the schema', () => {
    expect(errorOf(() => validator.watch(JSON.parse('{"v":1,"subId":"s","target":{"__proto__":{"x":1}}}'))).code).toBe(
      'INVALID_REQUEST',
    );
    let deep: unknown = {};
    for (let i = 0; i < 20; i++) deep = { $and: [deep] };
    expect(errorOf(() => validator.watch({ v: 1, subId: 's', target: {}, pipeline: [{ $match: deep }] })).code).toBe(
      'LIMIT_EXCEEDED',
    );
    expect(errorOf(() => validator.watch({ v: 1, subId: 'x'.repeat(5000), target: {} })).code).toBe('LIMIT_EXCEEDED');
  });

  it('guards the pipeline', () => {
    const stage = { $match: { $expr: { $function: { body: '' } } } };
    expect(errorOf(() => validator.watch({ v: 1, subId: 's', target: {}, pipeline: [stage] })).code).toBe(
      'UNAUTHORIZED',
    );
    const many = Array.from({ length: 5 }, () => ({ $match: {} }));
    expect(errorOf(() => validator.watch({ v: 1, subId: 's', target: {}, pipeline: many })).code).toBe(
      'LIMIT_EXCEEDED',
    );
  });
});

describe('RequestValidator queries', () => {
  it('validates and decodes a live query', () => {
    const id = new ObjectId();
    // Everything but the filter has the same EJSON and driver form.
    const plain = {
      subId: 'q',
      db: 'shop',
      collection: 'products',
      sort: [
        ['price', -1],
        ['_id', 1],
      ],
      limit: 10,
      skip: 5,
      projection: { name: 1 },
    };
    const q = validator.query({ v: 1, ...plain, filter: encode({ owner: id }) });
    expect(q).toEqual({ ...plain, filter: { owner: id } });
    expect(validator.find({ v: 1, db: 'shop', collection: 'p' })).toEqual({ db: 'shop', collection: 'p', filter: {} });
  });

  it.each<[string, unknown]>([
    ['sort as object', { v: 1, db: 'a', collection: 'b', sort: { a: 1 } }],
    ['bad direction', { v: 1, db: 'a', collection: 'b', sort: [['a', 2]] }],
    ['negative limit', { v: 1, db: 'a', collection: 'b', limit: -1 }],
    ['fractional skip', { v: 1, db: 'a', collection: 'b', skip: 1.5 }],
    ['missing collection', { v: 1, db: 'a' }],
    ['subId on find', { v: 1, db: 'a', collection: 'b', subId: 'x' }],
  ])('refuses %s', (_name, payload) => {
    expect(errorOf(() => validator.find(payload)).code).toBe('INVALID_REQUEST');
  });

  it('refuses code-running filter operators', () => {
    const error = errorOf(() => validator.find({ v: 1, db: 'a', collection: 'b', filter: { $where: 'true' } }));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain('$where');
  });

  it('validates unsubscribe', () => {
    expect(validator.unsubscribe({ v: 1, subId: 'x' })).toEqual({ subId: 'x' });
    expect(errorOf(() => validator.unsubscribe({ v: 1 })).code).toBe('INVALID_REQUEST');
  });
});
