import { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { BridgeError, toWireError } from './errors.js';
import { LiveQueryError } from './live-query/index.js';

describe('toWireError', () => {
  it('keeps our codes and those of the live-query service', () => {
    expect(toWireError(new BridgeError('LIMIT_EXCEEDED', 'too many'))).toEqual({
      code: 'LIMIT_EXCEEDED',
      message: 'too many',
    });
    expect(toWireError(new LiveQueryError('INVALID_REQUEST', 'bad sort'))).toEqual({
      code: 'INVALID_REQUEST',
      message: 'bad sort',
    });
  });
  it('maps MongoDB errors by code', () => {
    const lost = new MongoServerError({ code: 286, errmsg: 'gone' });
    expect(toWireError(lost)).toMatchObject({ code: 'HISTORY_LOST', mongoCode: 286 });
    expect(toWireError(new MongoServerError({ code: 2, errmsg: 'bad' }))).toEqual({
      code: 'SERVER_ERROR',
      message: 'bad',
      mongoCode: 2,
    });
    expect(toWireError(new Error('bug'))).toEqual({ code: 'SERVER_ERROR', message: 'bug' });
    expect(toWireError('weird')).toEqual({ code: 'SERVER_ERROR', message: 'weird' });
  });
});
