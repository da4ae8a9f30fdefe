import { type EJSONDocument, encode, type WireWatchOptions } from '@mongo-live/protocol';
import type { CollationOptions, Document, ResumeToken, Timestamp } from 'mongodb';

/**
 * Options of `watch()`, as in the mongodb driver: the protocol's `WireWatchOptions` with real
 * bson values for resume tokens, `startAtOperationTime` and the collation (EJSON on the wire).
 *
 * @example
 * coll.watch([], { fullDocument: 'updateLookup', maxAwaitTimeMS: 500, batchSize: 10 });
 */
export interface WatchOptions
  extends Omit<WireWatchOptions, 'resumeAfter' | 'startAfter' | 'startAtOperationTime' | 'collation'> {
  resumeAfter?: ResumeToken;
  startAfter?: ResumeToken;
  startAtOperationTime?: Timestamp;
  /** Also how long `tryNext()` waits before resolving with null. Default 1000. */
  maxAwaitTimeMS?: number;
  collation?: CollationOptions;
}

/**
 * Default time `tryNext()` waits for an event, as in the driver.
 *
 * @example
 * await stream.tryNext(); // waits up to DEFAULT_MAX_AWAIT_TIME_MS without maxAwaitTimeMS
 */
export const DEFAULT_MAX_AWAIT_TIME_MS = 1000;

/**
 * Encodes watch options for the wire; `undefined` fields are left out.
 *
 * @example
 * toWireWatchOptions({ resumeAfter: token }) // { resumeAfter: { _data: '8263...' } }
 */
export function toWireWatchOptions(options: WatchOptions = {}): WireWatchOptions {
  const wire: WireWatchOptions = {};
  if (options.fullDocument !== undefined) wire.fullDocument = options.fullDocument;
  if (options.fullDocumentBeforeChange !== undefined) wire.fullDocumentBeforeChange = options.fullDocumentBeforeChange;
  if (options.resumeAfter != null) wire.resumeAfter = encode(options.resumeAfter) as EJSONDocument;
  if (options.startAfter != null) wire.startAfter = encode(options.startAfter) as EJSONDocument;
  if (options.startAtOperationTime != null) wire.startAtOperationTime = encode(options.startAtOperationTime);
  if (options.maxAwaitTimeMS !== undefined) wire.maxAwaitTimeMS = options.maxAwaitTimeMS;
  if (options.batchSize !== undefined) wire.batchSize = options.batchSize;
  if (options.collation !== undefined) wire.collation = encode(options.collation) as Record<string, unknown>;
  if (options.showExpandedEvents !== undefined) wire.showExpandedEvents = options.showExpandedEvents;
  return wire;
}

/**
 * Encodes a pipeline for the wire.
 *
 * @example
 * toWirePipeline([{ $match: { n: 1 } }]) // [{ $match: { n: { $numberInt: '1' } } }]
 */
export function toWirePipeline(pipeline: Document[] | undefined): EJSONDocument[] | undefined {
  if (pipeline === undefined) return undefined;
  return pipeline.map((stage) => encode(stage) as EJSONDocument);
}
