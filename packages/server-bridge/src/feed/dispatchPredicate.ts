import type { Document } from 'mongodb';
import { valueKey } from '../live-query/valueKey.js';

/**
 * A necessary condition on a raw change event for a subscription to receive anything from it,
 * used to index subscriptions so an event only reaches those that may want it:
 * - `docId`: `documentKey._id` is one of `keys`;
 * - `field`: `fullDocument.<path>` or `fullDocumentBeforeChange.<path>` holds one of `keys`; when
 *   `removals` is set (a row filter), updates and deletes the bridge cannot place by their images
 *   reach the subscription too, since its guard may turn them into removals;
 * - `coll`: `ns.coll` is one of `keys`;
 * - `op`: `operationType` is one of `keys`.
 */
export type DispatchPredicate =
  | { dim: 'docId'; keys: string[] }
  | { dim: 'field'; path: string; keys: string[]; removals: boolean }
  | { dim: 'coll'; keys: string[] }
  | { dim: 'op'; keys: string[] };

/** What a subscription evaluates on each event: the access decision's row filter and the client's pipeline. */
export interface DispatchSpec {
  rowFilter?: Document;
  pipeline: Document[];
}

/** Operation types a row filter can turn into a `delete`-shaped removal. */
const BECOME_REMOVALS = ['update', 'replace'];

/**
 * The most selective {@link DispatchPredicate} that every event a subscription can receive
 * satisfies, or undefined when there is none (the subscription then sees every event).
 * Only plain top-level equalities (and `$eq`/`$in`) count: anything else is not indexed.
 *
 * @example
 * dispatchPredicateOf({ rowFilter: { owner: 'ann' }, pipeline: [] })
 * // { dim: 'field', path: 'owner', keys: ['sann'], removals: true }
 */
export function dispatchPredicateOf(spec: DispatchSpec): DispatchPredicate | undefined {
  const found: DispatchPredicate[] = [];
  for (const [path, keys] of equalities(spec.rowFilter)) {
    if (path === '_id') found.push({ dim: 'docId', keys });
    else found.push({ dim: 'field', path, keys, removals: true });
  }
  const first = spec.pipeline[0];
  const match = first && typeof first.$match === 'object' ? (first.$match as Document) : undefined;
  for (const [path, keys] of equalities(match)) {
    if (path === 'documentKey._id' || path === 'fullDocument._id') found.push({ dim: 'docId', keys });
    else if (path.startsWith('fullDocument.'))
      found.push({ dim: 'field', path: path.slice(13), keys, removals: false });
    else if (path === 'ns.coll') found.push({ dim: 'coll', keys });
    else if (path === 'operationType') {
      const ops = new Set(keys);
      // The pipeline sees the guarded event: a row filter may have made an update a 'delete'.
      if (spec.rowFilter && ops.has(valueKey('delete'))) for (const op of BECOME_REMOVALS) ops.add(valueKey(op));
      found.push({ dim: 'op', keys: [...ops] });
    }
  }
  const rank = (p: DispatchPredicate) =>
    p.dim === 'docId' ? 0 : p.dim === 'field' ? (p.removals ? 2 : 1) : p.dim === 'coll' ? 3 : 4;
  found.sort((a, b) => rank(a) - rank(b) || a.keys.length - b.keys.length);
  return found[0];
}

/** Top-level `path: value`, `$eq` and `$in` conditions of a filter (and of a top-level `$and`). */
function equalities(filter: Document | undefined): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = [];
  if (!filter || typeof filter !== 'object') return out;
  for (const [path, condition] of Object.entries(filter)) {
    if (path === '$and' && Array.isArray(condition)) {
      for (const part of condition) out.push(...equalities(part as Document));
      continue;
    }
    if (path.startsWith('$')) continue;
    const keys = keysOf(condition);
    if (keys) out.push([path, keys]);
  }
  return out;
}

function keysOf(condition: unknown): string[] | undefined {
  if (!indexable(condition)) {
    if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return undefined;
    const ops = Object.keys(condition);
    if (ops.length !== 1) return undefined;
    const c = condition as { $eq?: unknown; $in?: unknown };
    if (ops[0] === '$eq' && indexable(c.$eq)) return [valueKey(c.$eq)];
    if (ops[0] === '$in' && Array.isArray(c.$in) && c.$in.length > 0 && c.$in.every(indexable))
      return c.$in.map(valueKey);
    return undefined;
  }
  return [valueKey(condition)];
}

/** A value whose equality is plain: not null (matches missing), not a regex, not an operator object, not an array. */
function indexable(value: unknown): boolean {
  if (value === null || value === undefined || value instanceof RegExp || Array.isArray(value)) return false;
  if (typeof value !== 'object') return true;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return (value as { _bsontype?: string })._bsontype !== 'BSONRegExp';
  return !Object.keys(value).some((k) => k.startsWith('$'));
}
