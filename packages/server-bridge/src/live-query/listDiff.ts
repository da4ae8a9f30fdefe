import type { LiveQueryDiff } from '@mongo-live/protocol';
import type { WindowEntry } from './ResultWindow.js';

/**
 * Diffs that turn the list `before` into `after` when applied in order (positions refer to the
 * list as it is after the previous diffs). Falls back to one `reset` when that is shorter.
 *
 * @example
 * listDiff([a, b], [b, c]) // [{ op: 'removed', index: 0 }, { op: 'added', index: 1, doc: c.view }]
 */
export function listDiff(before: readonly WindowEntry[], after: readonly WindowEntry[]): LiveQueryDiff[] {
  const diffs: LiveQueryDiff[] = [];
  const afterIds = new Set(after.map((e) => e.id));
  const work = before.slice();
  for (let k = work.length - 1; k >= 0; k--) {
    if (!afterIds.has((work[k] as WindowEntry).id)) {
      diffs.push({ op: 'removed', index: k });
      work.splice(k, 1);
    }
  }
  const present = new Set(work.map((e) => e.id));
  for (let i = 0; i < after.length; i++) {
    const next = after[i] as WindowEntry;
    const current = work[i];
    if (current?.id === next.id) {
      if (current.viewJson !== next.viewJson) diffs.push({ op: 'changed', index: i, doc: next.view });
      continue;
    }
    if (present.has(next.id)) {
      const from = work.findIndex((e, j) => j > i && e.id === next.id);
      const [old] = work.splice(from, 1);
      work.splice(i, 0, next);
      diffs.push(
        old && old.viewJson !== next.viewJson
          ? { op: 'moved', from, to: i, doc: next.view }
          : { op: 'moved', from, to: i },
      );
    } else {
      work.splice(i, 0, next);
      diffs.push({ op: 'added', index: i, doc: next.view });
    }
    if (diffs.length > after.length) return [{ op: 'reset', docs: after.map((e) => e.view) }];
  }
  return diffs;
}
