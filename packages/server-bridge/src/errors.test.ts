import { MongoServerError, MongoServerSelectionError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { BridgeError, sanitizeMessage, toWireError } from './errors.js';

describe('toWireError', () => {
  it('keeps the code of the one bridge error type', () => {
    expect(toWireError(new BridgeError('LIMIT_EXCEEDED', 'too many'))).toEqual({
      code: 'LIMIT_EXCEEDED',
      message: 'too many',
    });
    expect(toWireError(new BridgeError('INVALID_REQUEST', 'bad sort'))).toEqual({
      code: 'INVALID_REQUEST',
      message: 'bad sort',
    });
  });

  it('maps MongoDB errors by code: 286 history lost, 234 invalidated', () => {
    const lost = new MongoServerError({ code: 286, errmsg: 'gone' });
    expect(toWireError(lost)).toMatchObject({ code: 'HISTORY_LOST', mongoCode: 286 });
    expect(toWireError(new MongoServerError({ code: 234, errmsg: 'closed' }))).toEqual({
      code: 'STREAM_INVALIDATED',
      message: 'closed',
      mongoCode: 234,
    });
    expect(toWireError(new MongoServerError({ code: 2, errmsg: 'bad' }))).toEqual({
      code: 'SERVER_ERROR',
      message: 'bad',
      mongoCode: 2,
    });
    expect(toWireError(new Error('bug'))).toEqual({ code: 'SERVER_ERROR', message: 'bug' });
    expect(toWireError('weird')).toEqual({ code: 'SERVER_ERROR', message: 'weird' });
  });

  it('never forwards a plain object with a wire-looking code as is', () => {
    expect(toWireError({ code: 'UNAUTHORIZED', message: 'x' })).toEqual({
      code: 'SERVER_ERROR',
      message: '[object Object]',
    });
  });

  it('replaces messages that quote stored values by the code name', () => {
    const conversion = new MongoServerError({
      code: 241,
      codeName: 'ConversionFailure',
      errmsg: "Failed to parse number 'bob-secret-ssn' in $convert",
    });
    const wire = toWireError(conversion);
    expect(wire).toEqual({
      code: 'SERVER_ERROR',
      mongoCode: 241,
      message: 'the database refused the operation (ConversionFailure, code 241)',
    });
    const dup = toWireError(new MongoServerError({ code: 11000, errmsg: 'E11000 dup key: { email: "a@b.c" }' }));
    expect(dup.message).not.toContain('a@b.c');
  });

  it('removes addresses and connection strings from driver errors', () => {
    const selection = new MongoServerSelectionError('connect ECONNREFUSED 10.1.2.3:27017', {} as never);
    expect(toWireError(selection).message).toBe('connect ECONNREFUSED <address>');
    expect(sanitizeMessage('connection 4 to db-1.internal.example:27018 closed')).toBe(
      'connection 4 to <address> closed',
    );
    expect(sanitizeMessage('failed mongodb://u:p@h1:1,h2:2/x?rs=a here')).toBe('failed <uri> here');
    expect(sanitizeMessage('to [::1]:27017 and [fe80::1]')).toBe('to <address> and <address>');
    expect(sanitizeMessage('pipeline[0].$match: bad')).toBe('pipeline[0].$match: bad');
    expect(sanitizeMessage('x'.repeat(2000)).length).toBeLessThan(510);
  });
});
