import type { Document } from 'mongodb';

/** Query operators whose operands are lists of sub-filters on the same document. */
const LOGICAL = new Set(['$and', '$or', '$nor']);
/** Top-level operators that do not name fields. */
const NEUTRAL = new Set(['$comment']);

/**
 * Dotted field paths a query filter reads, as segment lists. Returns `undefined` when the filter
 * reads fields in ways we cannot list (`$expr`, `$where`, `$text`, `$jsonSchema`...): callers must
 * then assume it may read anything.
 *
 * @example
 * referencedPaths({ $or: [{ 'a.b': 1 }, { c: { $gt: 2 } }] }) // → [['a','b'], ['c']]
 */
export function referencedPaths(filter: Document): string[][] | undefined {
  const out: string[][] = [];
  const stack: Document[] = [filter];
  while (stack.length > 0) {
    const f = stack.pop()!;
    for (const [key, value] of Object.entries(f)) {
      if (LOGICAL.has(key)) {
        if (!Array.isArray(value)) return undefined;
        for (const sub of value) {
          if (sub === null || typeof sub !== 'object') return undefined;
          stack.push(sub as Document);
        }
      } else if (NEUTRAL.has(key)) {
      } else if (key.startsWith('$')) return undefined;
      else out.push(key.split('.'));
    }
  }
  return out;
}

/** True when `a` and `b` overlap: one is a prefix of (or equal to) the other. */
export function pathsOverlap(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * True when an update (its `updateDescription`) may have changed a field among `paths`, i.e. may
 * have changed whether the document matches a filter reading those paths. Array indexes in update
 * paths (`tags.3`) are dropped before comparing, since filters reach through arrays.
 */
export function updateTouches(updateDescription: unknown, paths: readonly string[][]): boolean {
  if (updateDescription === null || typeof updateDescription !== 'object') return true;
  const ud = updateDescription as {
    updatedFields?: Record<string, unknown>;
    removedFields?: unknown[];
    truncatedArrays?: Array<{ field?: unknown }>;
  };
  const changed: string[] = [
    ...Object.keys(ud.updatedFields ?? {}),
    ...(ud.removedFields ?? []).map(String),
    ...(ud.truncatedArrays ?? []).map((t) => String(t?.field)),
  ];
  const stripIndexes = (segs: readonly string[]) => segs.filter((s) => !/^\d+$/.test(s));
  const filterPaths = paths.map(stripIndexes);
  for (const field of changed) {
    const segs = stripIndexes(field.split('.'));
    if (filterPaths.some((p) => pathsOverlap(segs, p))) return true;
  }
  return false;
}
