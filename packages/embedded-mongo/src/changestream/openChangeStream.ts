import { EJSON } from 'bson';
import { commandError } from '../errors.js';
import { ChangeStreamCursor, type CursorStart } from './ChangeStreamCursor.js';
import { eventsForEntry } from './changeEvents.js';
import { compileEventPipeline } from './eventPipeline.js';
import { type ChangeStreamSpec, parseChangeStreamSpec } from './parseChangeStreamSpec.js';
import {
  encodeResumeToken,
  entryHashAt,
  HIGH_WATER_MARK_STEP,
  highWaterMarkToken,
  INVALIDATE_STEP,
  previousTimestamp,
  type ResumeTokenData,
} from './resumeToken.js';
import type { ChangeStreamContext, ChangeStreamRequest } from './types.js';

export type { ChangeStreamContext, ChangeStreamRequest } from './types.js';

const NON_RESUMABLE = { errorLabels: ['NonResumableChangeStreamError'] };

function historyLost(): never {
  throw commandError(
    'ChangeStreamHistoryLost',
    'Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
    NON_RESUMABLE,
  );
}

/** Checks a client's token against the history: lost (286) or never an event of this stream (280). */
function checkToken(ctx: ChangeStreamContext, spec: ChangeStreamSpec, token: ResumeTokenData): void {
  const { oplog } = ctx;
  if (oplog.isLost(token.ts)) historyLost();
  if (token.step === HIGH_WATER_MARK_STEP) return;
  const next = oplog.entriesAfter(previousTimestamp(token.ts), 1)[0];
  const atToken = next?.ts.equals(token.ts) ? next : undefined;
  // Without the entry (the very last one dropped from the history) there is nothing to check against.
  const known = atToken
    ? entryHashAt(atToken, token.step) === token.entryHash &&
      eventsForEntry(atToken, spec, ctx).some((event) => event.step === token.step)
    : oplog.isLost(previousTimestamp(token.ts));
  if (!known) {
    const data = encodeResumeToken(token)._data as string;
    throw commandError(
      'ChangeStreamFatalError',
      `cannot resume stream; the resume token was not found. ${EJSON.stringify({ _data: data })}`,
      NON_RESUMABLE,
    );
  }
}

function startOf(ctx: ChangeStreamContext, spec: ChangeStreamSpec): CursorStart {
  const { start } = spec;
  switch (start.kind) {
    case 'now': {
      // Never before the newest write: those are in the past for a new stream.
      const clusterTime = ctx.clusterTime();
      const newest = ctx.oplog.newest()?.ts;
      const ts = newest && newest.compare(clusterTime) > 0 ? newest : clusterTime;
      return { position: { ts, step: HIGH_WATER_MARK_STEP }, token: highWaterMarkToken(ts) };
    }
    case 'startAtOperationTime': {
      const ts = previousTimestamp(start.ts);
      // Before the oldest retained entry (or before this server's history began): nothing to replay from.
      if (ctx.oplog.isLost(ts) || start.ts.compare(ctx.oplog.historyStart) < 0) historyLost();
      return { position: { ts, step: HIGH_WATER_MARK_STEP }, token: highWaterMarkToken(ts) };
    }
    case 'resumeAfter':
    case 'startAfter': {
      checkToken(ctx, spec, start.token);
      const { ts, step } = start.token;
      // Nothing follows an invalidate in its entry: report a high-water mark instead, so that the
      // postBatchResumeToken is never a token that resumeAfter refuses.
      if (step === INVALIDATE_STEP)
        return { position: { ts, step: HIGH_WATER_MARK_STEP }, token: highWaterMarkToken(ts) };
      const { fragment } = start.token;
      return {
        position: fragment === undefined ? { ts, step } : { ts, step, fragment },
        token: encodeResumeToken(start.token),
      };
    }
  }
}

function cursorNamespace(request: ChangeStreamRequest): string {
  return request.coll === undefined ? `${request.db}.$cmd.aggregate` : `${request.db}.${request.coll}`;
}

/**
 * Opens a change stream for an `aggregate` whose first stage is `$changeStream`. Validates the
 * options and the user's stages (throwing MongoDB's errors), checks that the resume point is still
 * in the oplog, and returns the cursor the server registers and drives with getMore.
 */
export function openChangeStream(ctx: ChangeStreamContext, request: ChangeStreamRequest): ChangeStreamCursor {
  const spec = parseChangeStreamSpec(request);
  const pipeline = compileEventPipeline(request.pipeline.slice(1), {
    ...(request.collation ? { collation: request.collation } : {}),
    ...(request.variables ? { variables: request.variables } : {}),
  });
  const start = startOf(ctx, spec);
  return new ChangeStreamCursor(ctx, spec, pipeline, start, cursorNamespace(request));
}
