import { describe, expect, it } from 'vitest';
import { Subscribable, Topic } from './Subscribable.js';

describe('Topic', () => {
  it('calls listeners in order, removes them, and counts them', () => {
    const e = new Topic<(n: number) => void>();
    const got: string[] = [];
    const offA = e.subscribe((n) => got.push(`a${n}`));
    e.subscribe((n) => got.push(`b${n}`));
    e.emit(1);
    offA();
    offA();
    e.emit(2);
    expect(got).toEqual(['a1', 'b1', 'b2']);
    expect(e.listenerCount).toBe(1);
    e.clear();
    expect(e.hasListeners()).toBe(false);
  });
});

describe('Subscribable', () => {
  it('reports the first subscriber arriving and the last one leaving', () => {
    const log: string[] = [];
    class Probe extends Subscribable {
      protected override onSubscribe() {
        log.push('first');
      }
      protected override onUnsubscribe() {
        log.push('last');
      }
    }
    const p = new Probe();
    const a = p.subscribe(() => undefined);
    const b = p.subscribe(() => undefined);
    a();
    expect(log).toEqual(['first']);
    b();
    b();
    expect(log).toEqual(['first', 'last']);
  });
});
