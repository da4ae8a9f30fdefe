import { describe, expect, it } from 'vitest';
import { Timestamp } from '../driverBson.js';
import { startKey, timeKey, tokenKey } from './position.js';

describe('positions', () => {
  it('orders a cluster time before every event at that time, after every earlier one', () => {
    const at = timeKey(new Timestamp({ t: 100, i: 2 }));
    const event = tokenKey({ _data: `${at}0000ABCD` })!;
    const earlier = tokenKey({ _data: `${timeKey(new Timestamp({ t: 100, i: 1 }))}FF` })!;
    expect(at < event).toBe(true);
    expect(earlier < at).toBe(true);
  });

  it('refuses tokens it cannot compare', () => {
    expect(tokenKey({ _data: 'zz' })).toBeUndefined();
    expect(tokenKey({ _data: 42 })).toBeUndefined();
    expect(tokenKey(null)).toBeUndefined();
    expect(startKey({ token: { _data: '82' } })).toBeUndefined();
  });

  it('upper-cases hex so tokens from any source compare alike', () => {
    expect(tokenKey({ _data: '82abcdef0123456789' })).toBe('82ABCDEF0123456789');
  });
});
