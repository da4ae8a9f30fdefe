import { describe, expect, it } from 'vitest';
import { Emitter } from './Emitter.js';

describe('Emitter', () => {
  it('calls listeners in order, removes them, and counts them', () => {
    const e = new Emitter<{ tick: (n: number) => void }>();
    const got: string[] = [];
    const offA = e.on('tick', (n) => got.push(`a${n}`));
    e.on('tick', (n) => got.push(`b${n}`));
    e.emit('tick', 1);
    offA();
    e.emit('tick', 2);
    expect(got).toEqual(['a1', 'b1', 'b2']);
    expect(e.count('tick')).toBe(1);
    e.clear();
    expect(e.count('tick')).toBe(0);
  });
});
