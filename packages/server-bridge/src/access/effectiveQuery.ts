import type { WireSort } from '@mongo-live/protocol';
import type { Document } from 'mongodb';
import { BridgeError } from '../errors.js';
import type { ValidQuery } from '../validation/RequestValidator.js';
import type { Grant } from './AccessPolicy.js';
import { referencedPaths } from './filterPaths.js';
import { intersectProjections } from './Projection.js';

/**
 * A query after validation and authorization: the auth filter is ANDed in, the projection
 * enforced. What live queries, live counts, live pages and `find` run.
 *
 * @example
 * const query: EffectiveQuery = { db: 'shop', collection: 'orders', filter: { userId: 'u1' }, sort: [['total', -1]] };
 */
export interface EffectiveQuery {
  db: string;
  collection: string;
  filter: Document;
  sort?: WireSort;
  skip?: number;
  limit?: number;
  projection?: Document;
}

/**
 * Builds the query that actually runs: the authorization filter ANDed with the client's, and the
 * client's projection intersected with the authorized one (a client can narrow, never widen).
 * A client filter or sort that reads a field hidden by the authorized projection is refused:
 * matching or ordering on a hidden field would reveal its value one query at a time.
 *
 * @example
 * buildEffectiveQuery({ db: 'shop', collection: 'orders', filter: { total: { $gt: 5 } } },
 *   { kind: 'restricted', filter: { userId: 'u1' } })
 * // → { db: 'shop', collection: 'orders', filter: { $and: [{ userId: 'u1' }, { total: { $gt: 5 } }] } }
 */
export function buildEffectiveQuery(query: ValidQuery, grant: Grant): EffectiveQuery {
  const authFilter = grant.kind === 'restricted' ? grant.filter : undefined;
  const clientFilter = query.filter;
  const hasClient = Object.keys(clientFilter).length > 0;
  let filter: Document;
  if (authFilter && hasClient) filter = { $and: [authFilter, clientFilter] };
  else filter = authFilter ?? clientFilter;

  let projection: Document | undefined;
  if (grant.kind === 'restricted' && grant.projection) {
    const authProjection = grant.projection;
    const reads: string[][] = [];
    if (hasClient) {
      const paths = referencedPaths(clientFilter);
      if (paths === undefined)
        throw new BridgeError(
          'UNAUTHORIZED',
          'filter operators that read arbitrary fields ($expr, $text, $jsonSchema...) are not allowed with a field-restricted access',
        );
      reads.push(...paths);
    }
    for (const [field] of query.sort ?? []) reads.push(field.split('.'));
    for (const path of reads)
      if (authProjection.visibility(path).kind !== 'all')
        throw new BridgeError(
          'UNAUTHORIZED',
          `the field '${path.join('.')}' is not visible to you: cannot filter or sort on it`,
        );
    projection = intersect(query.projection, grant.projectionDoc);
  } else projection = intersect(query.projection, undefined);

  const effective: EffectiveQuery = { db: query.db, collection: query.collection, filter };
  if (query.sort !== undefined) effective.sort = query.sort;
  if (query.skip !== undefined) effective.skip = query.skip;
  if (query.limit !== undefined) effective.limit = query.limit;
  if (projection !== undefined) effective.projection = projection;
  return effective;
}

function intersect(client: Document | undefined, auth: Document | undefined): Document | undefined {
  try {
    return intersectProjections(client, auth);
  } catch (error) {
    throw new BridgeError('INVALID_REQUEST', (error as Error).message);
  }
}
