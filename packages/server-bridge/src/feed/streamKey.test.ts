import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { Projection } from '../access/Projection.js';
import { streamKey } from './streamKey.js';

describe('streamKey', () => {
  const t = { db: 'shop', collection: 'orders' };
  it('is equal for equal requests and decisions', () => {
    const id = new ObjectId();
    expect(streamKey(t, [{ $match: { a: id } }], { fullDocument: 'updateLookup' }, { kind: 'all' })).toBe(
      streamKey(
        { ...t },
        [{ $match: { a: new ObjectId(id.toHexString()) } }],
        { fullDocument: 'updateLookup' },
        { kind: 'all' },
      ),
    );
  });
  it('differs by scope, pipeline, options and access decision', () => {
    const base = streamKey(t, [], {}, { kind: 'all' });
    expect(streamKey({ db: 'shop' }, [], {}, { kind: 'all' })).not.toBe(base);
    expect(streamKey({ db: 'shop', collection: undefined }, [], {}, { kind: 'all' })).not.toBe(base);
    expect(streamKey(t, [{ $match: {} }], {}, { kind: 'all' })).not.toBe(base);
    expect(streamKey(t, [], { batchSize: 5 }, { kind: 'all' })).not.toBe(base);
    const ann = streamKey(t, [], {}, { kind: 'restricted', filter: { owner: 'ann' } });
    const bob = streamKey(t, [], {}, { kind: 'restricted', filter: { owner: 'bob' } });
    expect(ann).not.toBe(base);
    expect(ann).not.toBe(bob);
    const projected = streamKey(
      t,
      [],
      {},
      {
        kind: 'restricted',
        projection: Projection.parse({ a: 0 }),
        projectionDoc: { a: 0 },
      },
    );
    expect(projected).not.toBe(base);
    // A type difference matters: 1 and '1' select different documents.
    expect(streamKey(t, [{ $match: { a: 1 } }], {}, { kind: 'all' })).not.toBe(
      streamKey(t, [{ $match: { a: '1' } }], {}, { kind: 'all' }),
    );
  });
});
