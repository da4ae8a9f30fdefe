import type { Long } from 'bson';
import { ArrayCursor } from '../cursors/ArrayCursor.js';
import { CommandError, codeNameOf, commandError } from '../errors.js';
import { RESUMABLE_CHANGE_STREAM_CODES } from '../failpoints/errorLabels.js';
import type { CommandHandler } from './CommandContext.js';
import { collectionNameOf, toCursorId, toInteger } from './commandArguments.js';
import { cursorDocument } from './cursorReplies.js';

/** How long a getMore on a tailable (change stream) cursor waits when the driver sends no maxTimeMS. */
const DEFAULT_AWAIT_MS = 1000;

/** getMore: the next batch of an open cursor; change-stream cursors wait up to maxTimeMS. */
export const getMore: CommandHandler = async (ctx) => {
  const { body, server } = ctx;
  const id = toCursorId(body.getMore, 'getMore');
  if (typeof body.collection !== 'string') {
    throw commandError('TypeMismatch', "BSON field 'getMore.collection' is missing or not of type string");
  }
  const ns = `${ctx.db}.${body.collection}`;
  const cursor = server.cursors.get(id);
  if (!cursor) throw commandError('CursorNotFound', `cursor id ${id.toString()} not found`);
  if (cursor.ns !== ns) {
    throw commandError(
      'Unauthorized',
      `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
    );
  }
  const batchSize = toInteger(body.batchSize, 'batchSize');
  const tailable = !(cursor instanceof ArrayCursor);
  const maxTimeMS = tailable ? (toInteger(body.maxTimeMS, 'maxTimeMS') ?? DEFAULT_AWAIT_MS) : undefined;
  try {
    const injected = server.failGetMoreAfterCursorCheckout.match('getMore', ctx.connection.appName);
    if (injected?.errorCode !== undefined)
      throw injectedGetMoreError(injected.errorCode, injected.errorLabels, tailable);
    const batch = await cursor.getMore({
      ...(batchSize !== undefined && batchSize > 0 ? { batchSize } : {}),
      ...(maxTimeMS !== undefined ? { maxTimeMS } : {}),
    });
    if (batch.exhausted) server.cursors.kill(id);
    return cursorDocument(id, ns, 'nextBatch', batch);
  } catch (error) {
    server.cursors.kill(id); // a failed getMore ends its cursor, as in mongod
    throw error;
  }
};

/** killCursors: `{ killCursors: coll, cursors: [ids] }`. */
export const killCursors: CommandHandler = (ctx) => {
  const { body, server } = ctx;
  collectionNameOf(body, 'killCursors');
  if (!Array.isArray(body.cursors)) {
    throw commandError('TypeMismatch', "BSON field 'killCursors.cursors' is missing or not of type array");
  }
  const cursorsKilled: Long[] = [];
  const cursorsNotFound: Long[] = [];
  for (const raw of body.cursors) {
    const id = toCursorId(raw, 'cursors');
    (server.cursors.kill(id) ? cursorsKilled : cursorsNotFound).push(id);
  }
  return { cursorsKilled, cursorsNotFound, cursorsAlive: [], cursorsUnknown: [] };
};

/** The error failGetMoreAfterCursorCheckout injects: labelled as mongod labels a real one. */
function injectedGetMoreError(code: number, labels: string[] | undefined, tailable: boolean): CommandError {
  const errorLabels =
    labels ?? (tailable && RESUMABLE_CHANGE_STREAM_CODES.has(code) ? ['ResumableChangeStreamError'] : []);
  return new CommandError(
    code,
    codeNameOf(code),
    "Failing getMore via 'failGetMoreAfterCursorCheckout' failpoint",
    errorLabels.length > 0 ? { errorLabels } : undefined,
  );
}
