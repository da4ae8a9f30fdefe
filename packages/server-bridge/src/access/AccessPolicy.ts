import type { WatchTarget } from '@mongo-live/protocol';
import type { Document } from 'mongodb';
import type { Socket } from 'socket.io';
import { BridgeError } from '../errors.js';
import { isPlainObject, Projection } from './Projection.js';

/** What a client asks for; passed to {@link Authorize} for every `watch`, `query` and `find`. */
export interface AccessRequest extends WatchTarget {
  kind: 'watch' | 'query';
  /** `watch`: the client's pipeline (decoded). */
  pipeline?: Document[];
  /** `query`/`find`: the client's filter (decoded). */
  filter?: Document;
  /** Convenience: which scope the request covers. */
  scope: 'deployment' | 'database' | 'collection';
}

/**
 * What a row-filtered change stream does with a removal it cannot decide: a delete, or an update or
 * replace that may have taken a document out of the filter, when the event carries no pre-image
 * (`changeStreamPreAndPostImages` is off on the collection, or the pre-image expired).
 * - `'withhold'` (the default): sent only for a document the stream showed; a subscriber is never
 *   told the `_id` of a document it cannot be shown to have been allowed to see.
 * - `'sendKey'`: sent as `{ operationType: 'delete', documentKey }` anyway. Accepts a leak: the
 *   subscriber learns the `_id` (an ObjectId carries its creation time) of every deleted document
 *   of the collection, other users' included. For clients that know documents from a `find` and
 *   must hear of their deletion on a collection without pre-images; prefer enabling pre-images.
 */
export type RemovalsWithoutPreImage = 'withhold' | 'sendKey';

/**
 * `false`: denied. `true`: allowed as asked. Object: allowed with `filter` ANDed onto the request
 * (row-level access) and `projection` (0/1 paths) enforced on everything sent (field-level access);
 * `removalsWithoutPreImage` (watch only) opts into naming deleted documents the stream never showed.
 *
 * @example
 * const decision: AccessDecision = { filter: { owner: 'ann' }, projection: { secret: 0 } };
 */
export type AccessDecision =
  | boolean
  | { filter?: Document; projection?: Document; removalsWithoutPreImage?: RemovalsWithoutPreImage };

/**
 * Decides whether a socket may watch or query something. Anything but `true` or a decision object
 * (`undefined`, `1`, a string...) denies: access is never granted by accident.
 *
 * @example
 * const authorize: Authorize = (req, socket) =>
 *   req.db === 'shop' && req.collection === 'orders' ? { filter: { userId: socket.data.userId } } : false;
 */
export type Authorize = (request: AccessRequest, socket: Socket) => AccessDecision | Promise<AccessDecision>;

/**
 * Allows every request, including deployment-wide watches. For demos and tests only: it must be
 * named explicitly (`createBridge({ io, mongo, authorize: allowAll })`).
 */
export const allowAll: Authorize = () => true;

/** The outcome of authorization, normalized once per request. */
export type Grant =
  | { kind: 'all' }
  | {
      kind: 'restricted';
      filter?: Document;
      projection?: Projection;
      projectionDoc?: Document;
      /** Set only when the decision opted in (`'sendKey'`). */
      removalsWithoutPreImage?: 'sendKey';
    };

/**
 * Calls `authorize` and normalizes its decision. Throws UNAUTHORIZED when denied (or when the
 * decision is not a recognizable allowance) and SERVER_ERROR when the decision is malformed.
 *
 * @example
 * const grant = await decide(authorize, { kind: 'watch', db: 'shop', scope: 'database' }, socket);
 */
export async function decide(authorize: Authorize, request: AccessRequest, socket: Socket): Promise<Grant> {
  let decision: unknown;
  try {
    decision = await authorize(request, socket);
  } catch (error) {
    throw new BridgeError(
      'UNAUTHORIZED',
      `authorization failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const what = describe(request);
  if (decision === true) return { kind: 'all' };
  if (!isPlainObject(decision)) throw new BridgeError('UNAUTHORIZED', `not authorized to ${what}`);
  for (const key of Object.keys(decision))
    if (!DECISION_FIELDS.has(key))
      throw new BridgeError('SERVER_ERROR', `authorize returned an unknown decision field '${key}'`);
  const { filter, projection, removalsWithoutPreImage } = decision as {
    filter?: unknown;
    projection?: unknown;
    removalsWithoutPreImage?: unknown;
  };
  if (
    removalsWithoutPreImage !== undefined &&
    removalsWithoutPreImage !== 'withhold' &&
    removalsWithoutPreImage !== 'sendKey'
  )
    throw new BridgeError(
      'SERVER_ERROR',
      "authorize returned removalsWithoutPreImage other than 'withhold' or 'sendKey'",
    );
  if (filter !== undefined && !isPlainObject(filter))
    throw new BridgeError('SERVER_ERROR', 'authorize returned a filter that is not a document');
  if (projection !== undefined && !isPlainObject(projection))
    throw new BridgeError('SERVER_ERROR', 'authorize returned a projection that is not a document');
  const grant: Grant = { kind: 'restricted' };
  if (filter !== undefined && Object.keys(filter).length > 0) grant.filter = filter;
  if (projection !== undefined && Object.keys(projection).length > 0) {
    try {
      grant.projection = Projection.parse(projection);
    } catch (error) {
      throw new BridgeError('SERVER_ERROR', `authorize returned an invalid projection: ${(error as Error).message}`);
    }
    grant.projectionDoc = projection;
  }
  if (!grant.filter && !grant.projection) return { kind: 'all' };
  // Without a row filter every document may be seen: there is nothing to withhold.
  if (grant.filter && removalsWithoutPreImage === 'sendKey') grant.removalsWithoutPreImage = 'sendKey';
  return grant;
}

const DECISION_FIELDS = new Set(['filter', 'projection', 'removalsWithoutPreImage']);

function describe(request: AccessRequest): string {
  const verb = request.kind === 'watch' ? 'watch' : 'query';
  if (request.db === undefined) return `${verb} the whole deployment`;
  if (request.collection === undefined) return `${verb} database '${request.db}'`;
  return `${verb} '${request.db}.${request.collection}'`;
}
