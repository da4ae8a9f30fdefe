import { type EJSONDocument, encode, type LiveQueryDiff } from '@mongo-live/protocol';
import { ObjectId } from 'bson';
import { applyDiffs, type DocList, listOf } from '../../packages/client/src/live-query/DocList.js';
import { nowMs } from '../lib/stats.js';

export interface DiffApplyResult {
  resultSize: number;
  diffs: number;
  /** Mean time to apply one diff (decode + splice + new list), µs. */
  usPerDiff: Record<'changed' | 'moved' | 'added+removed', number>;
  /** Documents whose object identity changed after applying one `changed` diff (should be 1). */
  identitiesChangedPerChange: number;
}

/**
 * Client-side cost of keeping a 10k-document sorted result current: applying the positional diffs
 * the server sends (decode included), with structural sharing.
 */
export function measureDiffApply(options: { size: number; diffs: number }): DiffApplyResult {
  const make = (i: number): EJSONDocument =>
    encode({
      _id: new ObjectId(),
      name: `item ${i}`,
      price: i * 1.5,
      tags: ['a', 'b'],
      at: new Date(0),
    }) as EJSONDocument;
  const wire = Array.from({ length: options.size }, (_, i) => make(i));
  let list: DocList<Record<string, unknown>> = applyDiffs(listOf([]), [{ op: 'reset', docs: wire }]);
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const time = (make: () => LiveQueryDiff[]) => {
    const batches = Array.from({ length: options.diffs }, make);
    const t0 = nowMs();
    for (const diffs of batches) list = applyDiffs(list, diffs);
    return ((nowMs() - t0) * 1000) / batches.reduce((n, d) => n + d.length, 0);
  };
  const changed = time(() => {
    const index = rand(options.size);
    return [{ op: 'changed', index, doc: encode({ ...list.docs[index]!, price: rand(1e6) }) as EJSONDocument }];
  });
  const moved = time(() => [{ op: 'moved', from: rand(options.size), to: rand(options.size) }]);
  const addRemove = time(() => [
    { op: 'added', index: rand(options.size), doc: make(rand(1e6)) },
    { op: 'removed', index: rand(options.size + 1) },
  ]);
  const before = list.docs;
  const index = rand(options.size);
  list = applyDiffs(list, [{ op: 'changed', index, doc: encode({ ...before[index]!, price: -1 }) as EJSONDocument }]);
  const identitiesChangedPerChange = list.docs.filter((d, i) => d !== before[i]).length;
  return {
    resultSize: options.size,
    diffs: options.diffs,
    usPerDiff: {
      changed: Number(changed.toFixed(2)),
      moved: Number(moved.toFixed(2)),
      'added+removed': Number(addRemove.toFixed(2)),
    },
    identitiesChangedPerChange,
  };
}
