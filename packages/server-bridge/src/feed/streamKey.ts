import { createHash } from 'node:crypto';
import type { WatchTarget } from '@mongo-live/protocol';
import type { ChangeStreamOptions, Document } from 'mongodb';
import type { Grant } from '../access/AccessPolicy.js';
import { EJSON } from '../driverBson.js';

/**
 * The sharing key of a change stream: scope, client pipeline, options and access decision. Two
 * subscriptions with equal keys see exactly the same events, so they share one MongoDB stream.
 * The access decision is part of the key, so enforcement runs once per stream, not per socket.
 *
 * @example
 * streamKey({ db: 'shop', collection: 'orders' }, [], {}, { kind: 'all' }) // 'sha256 hex…'
 */
export function streamKey(
  target: WatchTarget,
  pipeline: Document[],
  options: ChangeStreamOptions,
  grant: Grant,
): string {
  const access =
    grant.kind === 'all'
      ? 'all'
      : {
          filter: grant.filter ?? null,
          projection: grant.projectionDoc ?? null,
          removals: grant.removalsWithoutPreImage ?? 'withhold',
        };
  const parts = [target.db ?? null, target.collection ?? null, pipeline, options, access];
  return createHash('sha256')
    .update(EJSON.stringify(parts as unknown as Document, { relaxed: false }))
    .digest('hex');
}
