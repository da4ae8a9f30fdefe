import { createHash } from 'node:crypto';
import type { EffectiveQuery } from '../access/effectiveQuery.js';
import { EJSON } from '../driverBson.js';

/**
 * Deterministic id of a live query: equal effective queries (same filter with the same key order,
 * sort, skip, limit and projection) share one id, hence one live query and one socket.io room.
 *
 * @example
 * queryIdOf({ db: 'shop', collection: 'products', filter: { a: 1 } }) // 'q:shop.products:3f2a…'
 */
export function queryIdOf(query: EffectiveQuery): string {
  const canonical = EJSON.stringify(
    [query.filter, query.sort ?? [], query.skip ?? 0, query.limit ?? 0, query.projection ?? null],
    { relaxed: false },
  );
  const hash = createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
  return `q:${query.db}.${query.collection}:${hash}`;
}
