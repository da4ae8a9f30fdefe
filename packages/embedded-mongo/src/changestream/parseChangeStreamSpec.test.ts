import { type Document, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { parseChangeStreamSpec } from './parseChangeStreamSpec.js';
import { highWaterMarkToken } from './resumeToken.js';
import type { ChangeStreamRequest } from './types.js';

const token = highWaterMarkToken(new Timestamp({ t: 1, i: 1 }));

function parse(options: unknown, ns: Partial<ChangeStreamRequest> = {}) {
  return parseChangeStreamSpec({ db: 'd', coll: 'c', ...ns, pipeline: [{ $changeStream: options } as Document] });
}

function errorOf(options: unknown, ns: Partial<ChangeStreamRequest> = {}) {
  try {
    parse(options, ns);
  } catch (e) {
    return e as { code: number; codeName: string; message: string };
  }
  throw new Error('expected an error');
}

describe('$changeStream options', () => {
  it('defaults: collection scope, fullDocument default, no pre-images, start now', () => {
    expect(parse({})).toEqual({
      scope: { kind: 'collection', db: 'd', coll: 'c' },
      start: { kind: 'now' },
      fullDocument: 'default',
      fullDocumentBeforeChange: 'off',
      showExpandedEvents: false,
    });
    expect(parse({}, { coll: undefined }).scope).toEqual({ kind: 'database', db: 'd' });
    expect(parse({ allChangesForCluster: true }, { db: 'admin', coll: undefined }).scope).toEqual({ kind: 'cluster' });
  });

  it('rejects a non-document argument (50808) and unknown options (40415)', () => {
    expect(errorOf(1)).toMatchObject({ code: 50808 });
    expect(errorOf({ foo: 1 })).toMatchObject({
      code: 40415,
      message: "BSON field '$changeStream.foo' is an unknown field.",
    });
  });

  it('rejects bad fullDocument / fullDocumentBeforeChange values like the IDL parser', () => {
    expect(errorOf({ fullDocument: 'bogus' })).toMatchObject({
      code: 2,
      message: "Enumeration value 'bogus' for field '$changeStream.fullDocument' is not a valid value.",
    });
    expect(errorOf({ fullDocument: 1 })).toMatchObject({
      code: 14,
      message: "BSON field '$changeStream.fullDocument' is the wrong type 'int', expected type 'string'",
    });
    expect(errorOf({ fullDocumentBeforeChange: 'default' })).toMatchObject({ code: 2 });
    expect(errorOf({ showExpandedEvents: 'yes' })).toMatchObject({ code: 14 });
    expect(errorOf({ startAtOperationTime: 5 })).toMatchObject({ code: 14 });
  });

  it('rejects conflicting resume options', () => {
    expect(errorOf({ resumeAfter: token, startAfter: token })).toMatchObject({ code: 50865 });
    expect(errorOf({ resumeAfter: token, startAtOperationTime: new Timestamp({ t: 1, i: 1 }) })).toMatchObject({
      code: 40674,
    });
  });

  it('checks where the stream may be opened', () => {
    expect(errorOf({ allChangesForCluster: true })).toMatchObject({ code: 72, codeName: 'InvalidOptions' });
    expect(errorOf({}, { db: 'admin', coll: undefined })).toMatchObject({ code: 73 });
    expect(errorOf({}, { db: 'local', coll: 'oplog.rs' })).toMatchObject({ code: 73 });
    expect(errorOf({}, { coll: 'system.views' })).toMatchObject({
      code: 73,
      message: '$changeStream may not be opened on the internal d.system.views collection',
    });
  });
});
