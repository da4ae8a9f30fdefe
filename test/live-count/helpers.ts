import type { LiveCount, LiveCountState } from '@mongo-live/client';

/**
 * Resolves once `predicate` holds for the live count's state, re-checking on every change (no
 * timers: the test's own timeout bounds the wait).
 *
 * @example
 * await untilCount(count, (s) => s.status === 'live' && s.count === 3);
 */
export function untilCount(count: LiveCount, predicate: (state: LiveCountState) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (predicate(count.getSnapshot())) return resolve();
    const off = count.subscribe(() => {
      if (predicate(count.getSnapshot())) {
        off();
        resolve();
      }
    });
  });
}

/** Every count a live count showed, to check it never went negative or jumped past the truth. */
export function recordCounts(count: LiveCount): number[] {
  const seen: number[] = [];
  count.subscribe(() => seen.push(count.getSnapshot().count));
  return seen;
}
