import { describe, expect, it } from 'vitest';
import { ReplayBuffer } from './ReplayBuffer.js';

const key = (n: number) => `82${n.toString(16).toUpperCase().padStart(16, '0')}`;

describe('ReplayBuffer', () => {
  it('serves every event after a covered position, in order', () => {
    const buffer = new ReplayBuffer(10);
    buffer.reset(key(0));
    for (let i = 1; i <= 5; i++) buffer.push(key(i), { n: i });
    expect(buffer.covers(key(0))).toBe(true);
    expect(buffer.after(key(2)).map((e) => e.event.n)).toEqual([3, 4, 5]);
    expect(buffer.after(key(5))).toEqual([]);
  });

  it('moves its base forward as it evicts, so older positions are no longer covered', () => {
    const buffer = new ReplayBuffer(3);
    buffer.reset(key(0));
    for (let i = 1; i <= 10; i++) buffer.push(key(i), { n: i });
    expect(buffer.size).toBe(3);
    expect(buffer.base).toBe(key(7));
    expect(buffer.covers(key(6))).toBe(false);
    expect(buffer.covers(key(7))).toBe(true);
    expect(buffer.after(key(7)).map((e) => e.event.n)).toEqual([8, 9, 10]);
  });

  it('extends back with the events a catch-up read before its base, only when they join up and fit', () => {
    const buffer = new ReplayBuffer(6);
    buffer.reset(key(5));
    buffer.push(key(6), { n: 6 });
    buffer.extendBack(
      key(2),
      [3, 4, 5].map((n) => ({ key: key(n), event: { n } })),
    );
    expect(buffer.base).toBe(key(2));
    expect(buffer.after(key(2)).map((e) => e.event.n)).toEqual([3, 4, 5, 6]);
    buffer.extendBack(
      key(0),
      [1, 2, 3].map((n) => ({ key: key(n), event: { n } })),
    ); // overlaps: ignored
    expect(buffer.base).toBe(key(2));
  });

  it('covers nothing before it knows where it starts', () => {
    const buffer = new ReplayBuffer(3);
    expect(buffer.covers(key(1))).toBe(false);
  });
});
