import { type Document, EJSON } from 'bson';
import { commandError } from '../errors.js';
import type { OplogEntry } from '../oplog/OplogEntry.js';
import type { ChangeStreamSpec } from './parseChangeStreamSpec.js';
import { EVENT_STEP, encodeResumeToken, entryHash, INVALIDATE_STEP } from './resumeToken.js';
import { scopeEntry } from './streamScope.js';
import type { ChangeStreamContext } from './types.js';
import { computeUpdateDescription } from './updateDescription.js';

/** One event an oplog entry yields for a stream; built lazily, only once it is past the resume point. */
export interface PendingEvent {
  step: number;
  invalidate: boolean;
  build(): Document;
}

function imageMissing(kind: 'pre' | 'post', event: Document): never {
  const what =
    kind === 'post'
      ? 'a post-image for all update events, but the post-image was not found'
      : 'a pre-image for all update, delete and replace events, but the pre-image was not found';
  const summary = EJSON.stringify(
    {
      operationType: event.operationType,
      ns: event.ns,
      documentKey: event.documentKey,
      clusterTime: event.clusterTime,
    },
    { relaxed: true },
  );
  throw commandError('NoMatchingDocument', `Change stream was configured to require ${what} for event: ${summary}`);
}

/** `fullDocument` of an update event under the stream's mode; undefined when the field is absent. */
function updatePostImage(entry: OplogEntry, spec: ChangeStreamSpec, ctx: ChangeStreamContext, event: Document) {
  const coll = entry.coll!;
  switch (spec.fullDocument) {
    case 'default':
      return undefined;
    case 'updateLookup': {
      // A dropped-and-recreated collection is another collection: the lookup finds nothing, like MongoDB.
      const uuid = ctx.collectionUUID(entry.db, coll);
      if (entry.collectionUUID && uuid && uuid.toString('hex') !== entry.collectionUUID.toString('hex')) return null;
      return ctx.lookup(entry.db, coll, entry.documentKey ?? {}) ?? null;
    }
    case 'whenAvailable':
    case 'required':
      if (entry.imagesRecorded && entry.after) return entry.after;
      if (spec.fullDocument === 'required') imageMissing('post', event);
      return null;
  }
}

function preImage(entry: OplogEntry, spec: ChangeStreamSpec, event: Document) {
  if (entry.imagesRecorded && entry.before) return entry.before;
  if (spec.fullDocumentBeforeChange === 'required') imageMissing('pre', event);
  return null;
}

/**
 * Builds the event in MongoDB's field order (change_stream_event_transform.cpp): transaction ids,
 * `to` of a rename, `_id`, operationType, clusterTime, collectionUUID, wallTime, fullDocument,
 * ns, documentKey, operationDescription, updateDescription, stateBeforeChange; then what the
 * image stages add at the end: fullDocumentBeforeChange, and the update's post-image.
 */
function buildEvent(
  entry: OplogEntry,
  operationType: string,
  spec: ChangeStreamSpec,
  ctx: ChangeStreamContext,
  scopeColl: string | undefined,
  step: number,
): Document {
  const event: Document = {};
  if (entry.txnNumber !== undefined) event.txnNumber = entry.txnNumber;
  if (entry.lsid) event.lsid = entry.lsid;
  if (operationType === 'rename') event.to = entry.to;
  event._id = encodeResumeToken({ ts: entry.ts, step, entryHash: entryHash(entry) });
  event.operationType = operationType;
  event.clusterTime = entry.ts;
  if (spec.showExpandedEvents && entry.collectionUUID && operationType !== 'dropDatabase') {
    event.collectionUUID = entry.collectionUUID;
  }
  event.wallTime = entry.wall;
  if (operationType === 'insert' || operationType === 'replace') event.fullDocument = entry.after ?? null;
  // A collection stream reports a dropDatabase as the drop of its own collection.
  const coll = operationType === 'drop' && entry.op === 'dropDatabase' ? scopeColl : entry.coll;
  event.ns = coll === undefined ? { db: entry.db } : { db: entry.db, coll };
  switch (operationType) {
    case 'insert':
    case 'replace':
    case 'delete':
      event.documentKey = entry.documentKey;
      break;
    case 'update':
      event.documentKey = entry.documentKey;
      event.updateDescription = computeUpdateDescription(
        entry.before ?? {},
        entry.after ?? {},
        entry.update,
        spec.showExpandedEvents,
      );
      break;
    case 'rename':
      if (spec.showExpandedEvents) event.operationDescription = { to: entry.to, ...entry.operationDescription };
      break;
    case 'create':
    case 'createIndexes':
    case 'dropIndexes':
      event.operationDescription = entry.operationDescription ?? {};
      break;
    case 'modify':
      event.operationDescription = entry.operationDescription ?? {};
      if (entry.stateBeforeChange) event.stateBeforeChange = entry.stateBeforeChange;
      break;
  }
  const changesDocument = operationType === 'update' || operationType === 'replace' || operationType === 'delete';
  if (changesDocument && spec.fullDocumentBeforeChange !== 'off') {
    event.fullDocumentBeforeChange = preImage(entry, spec, event);
  }
  if (operationType === 'update') {
    const post = updatePostImage(entry, spec, ctx, event);
    if (post !== undefined) event.fullDocument = post;
  }
  return event;
}

/**
 * The events `entry` yields for a stream, in order: the change itself (step 0), then an
 * invalidate (step 1) when the entry ends the stream. Empty when the entry is not in its scope.
 */
export function eventsForEntry(entry: OplogEntry, spec: ChangeStreamSpec, ctx: ChangeStreamContext): PendingEvent[] {
  const scopeColl = spec.scope.kind === 'collection' ? spec.scope.coll : undefined;
  if (entry.op === 'applyOps') {
    // A committed transaction: one event per write in scope, all at the commit's cluster time,
    // the write's index in the transaction as step (MongoDB's txnOpIndex).
    const events: PendingEvent[] = [];
    (entry.ops ?? []).forEach((op, index) => {
      const operationType = scopeEntry(op, spec.scope, spec.showExpandedEvents).operationType;
      if (operationType === undefined) return;
      events.push({
        step: index,
        invalidate: false,
        build: () => buildEvent(op, operationType, spec, ctx, scopeColl, index),
      });
    });
    return events;
  }
  const scoped = scopeEntry(entry, spec.scope, spec.showExpandedEvents);
  if (scoped.operationType === undefined) return [];
  const operationType = scoped.operationType;
  const events: PendingEvent[] = [
    {
      step: EVENT_STEP,
      invalidate: false,
      build: () => buildEvent(entry, operationType, spec, ctx, scopeColl, EVENT_STEP),
    },
  ];
  if (scoped.invalidates) {
    events.push({
      step: INVALIDATE_STEP,
      invalidate: true,
      build: () => ({
        _id: encodeResumeToken({ ts: entry.ts, step: INVALIDATE_STEP, entryHash: entryHash(entry) }),
        operationType: 'invalidate',
        clusterTime: entry.ts,
        wallTime: entry.wall,
      }),
    });
  }
  return events;
}
