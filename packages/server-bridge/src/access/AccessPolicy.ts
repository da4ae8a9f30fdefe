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
 * `false`: denied. `true`: allowed as asked. Object: allowed with `filter` ANDed onto the request
 * (row-level access) and `projection` (0/1 paths) enforced on everything sent (field-level access).
 */
export type AccessDecision = boolean | { filter?: Document; projection?: Document };

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
  | { kind: 'restricted'; filter?: Document; projection?: Projection; projectionDoc?: Document };

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
    if (key !== 'filter' && key !== 'projection')
      throw new BridgeError('SERVER_ERROR', `authorize returned an unknown decision field '${key}'`);
  const { filter, projection } = decision as { filter?: unknown; projection?: unknown };
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
  return grant.filter || grant.projection ? grant : { kind: 'all' };
}

function describe(request: AccessRequest): string {
  const verb = request.kind === 'watch' ? 'watch' : 'query';
  if (request.db === undefined) return `${verb} the whole deployment`;
  if (request.collection === undefined) return `${verb} database '${request.db}'`;
  return `${verb} '${request.db}.${request.collection}'`;
}
