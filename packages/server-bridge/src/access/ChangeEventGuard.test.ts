import { ObjectId, Timestamp } from 'bson';
import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../errors.js';
import { ChangeEventGuard } from './ChangeEventGuard.js';
import { Projection } from './Projection.js';

const token = (n: number) => ({ _data: `token-${n}` });
const base = (n: number, op: string, id: unknown) => ({
  _id: token(n),
  operationType: op,
  clusterTime: new Timestamp({ t: 100, i: n }),
  ns: { db: 'shop', coll: 'orders' },
  documentKey: { _id: id },
});

describe('ChangeEventGuard row filter', () => {
  const guard = new ChangeEventGuard({ filter: { owner: 'ann' }, clientOptions: {}, clientPipeline: [] });
  /** The stream shows document `id` (an insert in scope): without pre-images, only such documents get removals. */
  const show = (id: unknown) =>
    expect(guard.apply({ ...base(0, 'insert', id), fullDocument: { _id: id, owner: 'ann' } })).not.toBeNull();

  it('forces the images it needs and leaves explicit choices alone', () => {
    expect(guard.driverOptions()).toEqual({ fullDocument: 'updateLookup', fullDocumentBeforeChange: 'whenAvailable' });
    const explicit = new ChangeEventGuard({
      filter: { owner: 'ann' },
      clientOptions: { fullDocument: 'required', fullDocumentBeforeChange: 'required' },
      clientPipeline: [],
    });
    expect(explicit.driverOptions()).toEqual({ fullDocument: 'required', fullDocumentBeforeChange: 'required' });
    const noFilter = new ChangeEventGuard({
      projection: Projection.parse({ a: 1 }),
      clientOptions: {},
      clientPipeline: [],
    });
    expect(noFilter.driverOptions()).toEqual({});
  });

  it('sends inserts in scope and drops the others', () => {
    expect(guard.apply({ ...base(1, 'insert', 1), fullDocument: { _id: 1, owner: 'ann' } })).toMatchObject({
      fullDocument: { owner: 'ann' },
    });
    expect(guard.apply({ ...base(2, 'insert', 2), fullDocument: { _id: 2, owner: 'bob' } })).toBeNull();
  });

  it('sends updates in scope, without the forced post-image when the client did not ask for it', () => {
    const out = guard.apply({
      ...base(3, 'update', 1),
      updateDescription: { updatedFields: { n: 2 }, removedFields: [] },
      fullDocument: { _id: 1, owner: 'ann', n: 2 },
      fullDocumentBeforeChange: null,
    });
    expect(out).toMatchObject({ operationType: 'update', updateDescription: { updatedFields: { n: 2 } } });
    expect(out).not.toHaveProperty('fullDocument');
    expect(out).not.toHaveProperty('fullDocumentBeforeChange');
  });

  it('turns an update that moves a document out of scope into a removal without content (pre-image)', () => {
    const out = guard.apply({
      ...base(4, 'update', 1),
      updateDescription: { updatedFields: { owner: 'bob', secret: 'x' }, removedFields: [] },
      fullDocument: { _id: 1, owner: 'bob', secret: 'x' },
      fullDocumentBeforeChange: { _id: 1, owner: 'ann' },
    });
    expect(out).toEqual({
      _id: token(4),
      operationType: 'delete',
      clusterTime: new Timestamp({ t: 100, i: 4 }),
      ns: { db: 'shop', coll: 'orders' },
      documentKey: { _id: 1 },
    });
  });

  it('without a pre-image: a removal when the update touched a filter field, nothing when it could not have', () => {
    show(1);
    const moved = guard.apply({
      ...base(5, 'update', 1),
      updateDescription: { updatedFields: { owner: 'bob' }, removedFields: [] },
      fullDocument: { _id: 1, owner: 'bob' },
    });
    expect(moved).toMatchObject({ operationType: 'delete', documentKey: { _id: 1 } });
    expect(Object.keys(moved!)).toEqual(['_id', 'operationType', 'clusterTime', 'ns', 'documentKey']);
    const untouched = guard.apply({
      ...base(6, 'update', 2),
      updateDescription: { updatedFields: { secret: 'y' }, removedFields: [] },
      fullDocument: { _id: 2, owner: 'bob', secret: 'y' },
    });
    expect(untouched).toBeNull();
    const outOfScopeAll = guard.apply({
      ...base(7, 'update', 2),
      updateDescription: { updatedFields: { owner: 'carl' }, removedFields: [] },
      fullDocument: { _id: 2, owner: 'carl' },
      fullDocumentBeforeChange: { _id: 2, owner: 'bob' },
    });
    expect(outOfScopeAll).toBeNull();
  });

  it('treats a replace or a vanished document conservatively, never sending content', () => {
    show(1);
    const replaced = guard.apply({ ...base(8, 'replace', 1), fullDocument: { _id: 1, owner: 'bob', secret: 's' } });
    expect(replaced).toMatchObject({ operationType: 'delete' });
    expect(JSON.stringify(replaced)).not.toContain('secret');
    show(1);
    const vanished = guard.apply({
      ...base(9, 'update', 1),
      updateDescription: { updatedFields: { n: 1 }, removedFields: [] },
      fullDocument: null,
    });
    expect(vanished).toMatchObject({ operationType: 'delete' });
  });

  it('sends deletes decided by their pre-image, and without one only those of documents it showed', () => {
    show(1);
    expect(guard.apply({ ...base(10, 'delete', 1) })).toEqual(base(10, 'delete', 1));
    expect(guard.apply({ ...base(11, 'delete', 2), fullDocumentBeforeChange: { _id: 2, owner: 'bob' } })).toBeNull();
    expect(guard.apply({ ...base(12, 'delete', 3), fullDocumentBeforeChange: { _id: 3, owner: 'ann' } })).toEqual(
      base(12, 'delete', 3),
    );
    // Never shown, no pre-image: it may be anyone's document, so its _id is not told.
    expect(guard.apply({ ...base(13, 'delete', 'never-shown') })).toBeNull();
    // A delete is told once: the stream forgets what it removed.
    expect(guard.apply({ ...base(14, 'delete', 1) })).toBeNull();
    // Shown, then moved out of scope (a removal was sent): its later delete is not told again.
    show(4);
    expect(
      guard.apply({
        ...base(15, 'update', 4),
        updateDescription: { updatedFields: { owner: 'bob' }, removedFields: [] },
        fullDocument: { _id: 4, owner: 'bob' },
      }),
    ).toMatchObject({ operationType: 'delete' });
    expect(guard.apply({ ...base(16, 'delete', 4) })).toBeNull();
  });

  it("names never-shown documents only when the access decision opts in ('sendKey')", () => {
    const leaky = new ChangeEventGuard({
      filter: { owner: 'ann' },
      clientOptions: {},
      clientPipeline: [],
      removalsWithoutPreImage: 'sendKey',
    });
    expect(leaky.apply({ ...base(17, 'delete', 'other') })).toEqual(base(17, 'delete', 'other'));
    expect(
      leaky.apply({ ...base(18, 'replace', 'other2'), fullDocument: { _id: 'other2', owner: 'bob' } }),
    ).toMatchObject({ operationType: 'delete', documentKey: { _id: 'other2' } });
    // A pre-image still decides exactly.
    expect(
      leaky.apply({ ...base(19, 'delete', 'x'), fullDocumentBeforeChange: { _id: 'x', owner: 'bob' } }),
    ).toBeNull();
  });

  it("without a pre-image, never tells the _id of a document it did not show (another user's)", () => {
    const replacedByOther = guard.apply({
      ...base(21, 'replace', 'bobs'),
      fullDocument: { _id: 'bobs', owner: 'bob' },
    });
    expect(replacedByOther).toBeNull();
    const touched = guard.apply({
      ...base(22, 'update', 'bobs'),
      updateDescription: { updatedFields: { owner: 'carl' }, removedFields: [] },
      fullDocument: { _id: 'bobs', owner: 'carl' },
    });
    expect(touched).toBeNull();
    // Once shown, its removal is told, once.
    show('bobs');
    expect(guard.apply({ ...base(23, 'replace', 'bobs'), fullDocument: { _id: 'bobs', owner: 'bob' } })).toMatchObject({
      operationType: 'delete',
    });
    expect(guard.apply({ ...base(24, 'replace', 'bobs'), fullDocument: { _id: 'bobs', owner: 'bob' } })).toBeNull();
  });

  it("strips writers' session ids and withholds DDL events on restricted streams", () => {
    const out = guard.apply({
      ...base(25, 'insert', 5),
      fullDocument: { _id: 5, owner: 'ann' },
      lsid: { id: 'session', uid: 'u' },
      txnNumber: 3,
    });
    expect(out).not.toHaveProperty('lsid');
    expect(out).not.toHaveProperty('txnNumber');
    const ddl = {
      _id: token(26),
      operationType: 'createIndexes',
      ns: { db: 'shop', coll: 'orders' },
      operationDescription: { indexes: [{ partialFilterExpression: { secret: { $gt: 'bob-secret-1' } } }] },
    };
    expect(guard.apply(ddl)).toBeNull();
    const rename = guard.apply({
      _id: token(27),
      operationType: 'rename',
      ns: { db: 'shop', coll: 'orders' },
      to: { db: 'shop', coll: 'secret_name' },
    });
    expect(rename).toEqual({ _id: token(27), operationType: 'rename', ns: { db: 'shop', coll: 'orders' } });
  });

  it('passes events without documents (drop, invalidate)', () => {
    expect(guard.apply({ _id: token(13), operationType: 'invalidate' })).toEqual({
      _id: token(13),
      operationType: 'invalidate',
    });
  });

  it('matches BSON values like ObjectId', () => {
    const owner = new ObjectId();
    const g = new ChangeEventGuard({ filter: { owner }, clientOptions: {}, clientPipeline: [] });
    expect(
      g.apply({ ...base(14, 'insert', 1), fullDocument: { _id: 1, owner: new ObjectId(owner.toHexString()) } }),
    ).not.toBeNull();
    expect(g.apply({ ...base(15, 'insert', 2), fullDocument: { _id: 2, owner: new ObjectId() } })).toBeNull();
  });
});

describe('ChangeEventGuard projection', () => {
  const guard = new ChangeEventGuard({
    projection: Projection.parse({ name: 1, 'address.city': 1, 'tags.label': 1 }),
    clientOptions: { fullDocument: 'updateLookup', fullDocumentBeforeChange: 'whenAvailable' },
    clientPipeline: [],
  });

  it('projects fullDocument and fullDocumentBeforeChange', () => {
    const out = guard.apply({
      ...base(1, 'update', 1),
      fullDocument: { _id: 1, name: 'a', ssn: 's', address: { city: 'c', zip: 'z' } },
      fullDocumentBeforeChange: { _id: 1, name: 'b', ssn: 's0' },
      updateDescription: { updatedFields: { name: 'a', ssn: 's' }, removedFields: [] },
    })!;
    expect(out.fullDocument).toEqual({ _id: 1, name: 'a', address: { city: 'c' } });
    expect(out.fullDocumentBeforeChange).toEqual({ _id: 1, name: 'b' });
  });

  it('does not send an update that touched hidden fields only (its timing would leak)', () => {
    const hidden = guard.apply({
      ...base(30, 'update', 1),
      fullDocument: { _id: 1, name: 'a', ssn: 'new' },
      updateDescription: { updatedFields: { ssn: 'new', 'address.zip': 'z2' }, removedFields: ['x'] },
    });
    expect(hidden).toBeNull();
  });

  it('filters updatedFields, removedFields and truncatedArrays by dotted path', () => {
    const out = guard.apply({
      ...base(2, 'update', 1),
      updateDescription: {
        updatedFields: {
          name: 'n',
          ssn: 'secret',
          'address.city': 'c',
          'address.zip': 'secret',
          address: { city: 'c2', zip: 'secret' },
          'tags.2.label': 'l',
          'tags.2.internal': 'secret',
          'tags.2': { label: 'l2', internal: 'secret' },
        },
        removedFields: ['ssn', 'address.zip', 'name', 'address'],
        truncatedArrays: [
          { field: 'tags', newSize: 1 },
          { field: 'secrets', newSize: 0 },
        ],
      },
    })!;
    expect(out.updateDescription).toEqual({
      updatedFields: {
        name: 'n',
        'address.city': 'c',
        address: { city: 'c2' },
        'tags.2.label': 'l',
        'tags.2': { label: 'l2' },
      },
      removedFields: ['name', 'address'],
      truncatedArrays: [{ field: 'tags', newSize: 1 }],
    });
    expect(JSON.stringify(out)).not.toContain('secret');
  });

  it('runs the client pipeline on the guarded event only', () => {
    const leaky = new ChangeEventGuard({
      projection: Projection.parse({ ssn: 0 }),
      clientOptions: {},
      clientPipeline: [{ $addFields: { copy: '$fullDocument.ssn' } }, { $match: { operationType: 'insert' } }],
    });
    const out = leaky.apply({ ...base(3, 'insert', 1), fullDocument: { _id: 1, ssn: 's', name: 'n' } })!;
    expect(out.copy).toBeUndefined();
    expect(out.fullDocument).toEqual({ _id: 1, name: 'n' });
    expect(leaky.apply({ ...base(4, 'delete', 1) })).toBeNull();
  });

  it('refuses a client pipeline that changes the resume token, like MongoDB', () => {
    const g = new ChangeEventGuard({
      projection: Projection.parse({ ssn: 0 }),
      clientOptions: {},
      clientPipeline: [{ $project: { _id: 0 } }],
    });
    let error: unknown;
    try {
      g.apply({ ...base(5, 'insert', 1), fullDocument: { _id: 1 } } as Document);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).mongoCode).toBe(280);
  });
});

describe('ChangeEventGuard pipeline validation', () => {
  it('refuses a malformed client pipeline up front with INVALID_REQUEST', () => {
    let error: unknown;
    try {
      new ChangeEventGuard({
        projection: Projection.parse({ a: 0 }),
        clientOptions: {},
        clientPipeline: [{ $match: { $nosuchoperator: 1 } }],
      });
    } catch (e) {
      error = e;
    }
    expect((error as BridgeError).code).toBe('INVALID_REQUEST');
  });
});
