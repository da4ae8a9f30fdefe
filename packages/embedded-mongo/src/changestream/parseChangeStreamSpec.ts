import { bsonTypeOf } from '@mongo-live/bson-order';
import type { Document, Timestamp } from 'bson';
import { CommandError, commandError } from '../errors.js';
import { decodeResumeToken, INVALIDATE_STEP, type ResumeTokenData } from './resumeToken.js';
import type { ChangeStreamRequest } from './types.js';

export type FullDocumentMode = 'default' | 'updateLookup' | 'whenAvailable' | 'required';
export type FullDocumentBeforeChangeMode = 'off' | 'whenAvailable' | 'required';

/** Which namespaces a stream watches. */
export type StreamScope =
  | { kind: 'collection'; db: string; coll: string }
  | { kind: 'database'; db: string }
  | { kind: 'cluster' };

/** Where the stream starts. */
export type StreamStart =
  | { kind: 'now' }
  | { kind: 'resumeAfter'; token: ResumeTokenData }
  | { kind: 'startAfter'; token: ResumeTokenData }
  | { kind: 'startAtOperationTime'; ts: Timestamp };

/** A validated `$changeStream` stage. */
export interface ChangeStreamSpec {
  scope: StreamScope;
  start: StreamStart;
  fullDocument: FullDocumentMode;
  fullDocumentBeforeChange: FullDocumentBeforeChangeMode;
  showExpandedEvents: boolean;
}

const FULL_DOCUMENT_MODES: readonly string[] = ['default', 'updateLookup', 'whenAvailable', 'required'];
const BEFORE_CHANGE_MODES: readonly string[] = ['off', 'whenAvailable', 'required'];
const BOOLEAN_OPTIONS = [
  'allChangesForCluster',
  'showMigrationEvents',
  'showSystemEvents',
  'allowToRunOnConfigDB',
  'allowToRunOnSystemNS',
  'showExpandedEvents',
  'showRawUpdateDescription',
  '$_generateV2ResumeTokens',
];
const KNOWN_OPTIONS = new Set([
  'resumeAfter',
  'startAfter',
  'startAtOperationTime',
  'fullDocument',
  'fullDocumentBeforeChange',
  ...BOOLEAN_OPTIONS,
]);

/** IDL-style "wrong type" error, as MongoDB words it. */
function wrongType(field: string, value: unknown, expected: string): CommandError {
  return commandError(
    'TypeMismatch',
    `BSON field '$changeStream.${field}' is the wrong type '${bsonTypeOf(value)}', expected type '${expected}'`,
  );
}

function parseEnum(field: string, value: unknown, allowed: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw wrongType(field, value, 'string');
  if (!allowed.includes(value)) {
    throw commandError(
      'BadValue',
      `Enumeration value '${value}' for field '$changeStream.${field}' is not a valid value.`,
    );
  }
  return value;
}

function scopeOf(request: ChangeStreamRequest, allChangesForCluster: boolean): StreamScope {
  const { db, coll } = request;
  const ns = coll === undefined ? `${db}.$cmd.aggregate` : `${db}.${coll}`;
  if (allChangesForCluster && (db !== 'admin' || coll !== undefined)) {
    throw commandError(
      'InvalidOptions',
      `A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database, and with no collection name; found ${ns}`,
    );
  }
  if (db === 'admin' ? !allChangesForCluster : db === 'local' || db === 'config') {
    throw commandError('InvalidNamespace', `$changeStream may not be opened on the internal ${db} database`);
  }
  if (coll?.startsWith('system.')) {
    throw commandError('InvalidNamespace', `$changeStream may not be opened on the internal ${ns} collection`);
  }
  if (allChangesForCluster) return { kind: 'cluster' };
  return coll === undefined ? { kind: 'database', db } : { kind: 'collection', db, coll };
}

function startOf(options: Document): StreamStart {
  const { resumeAfter, startAfter, startAtOperationTime } = options;
  for (const [field, value] of [
    ['resumeAfter', resumeAfter],
    ['startAfter', startAfter],
  ] as const) {
    if (value !== undefined && bsonTypeOf(value) !== 'object') throw wrongType(field, value, 'object');
  }
  if (startAtOperationTime !== undefined && bsonTypeOf(startAtOperationTime) !== 'timestamp') {
    throw wrongType('startAtOperationTime', startAtOperationTime, 'timestamp');
  }
  if (resumeAfter !== undefined && startAfter !== undefined) {
    throw new CommandError(
      50865,
      'Location50865',
      "Do not specify both 'resumeAfter' and 'startAfter' in a $changeStream stage",
    );
  }
  const tokenDoc = resumeAfter ?? startAfter;
  const token = tokenDoc === undefined ? undefined : decodeResumeToken(tokenDoc);
  if (token && startAtOperationTime !== undefined) {
    throw new CommandError(
      40674,
      'Location40674',
      'Only one type of resume option is allowed, but multiple were found',
    );
  }
  if (resumeAfter !== undefined && token?.step === INVALIDATE_STEP) {
    throw commandError(
      'InvalidResumeToken',
      "Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate notification",
    );
  }
  if (token) return resumeAfter !== undefined ? { kind: 'resumeAfter', token } : { kind: 'startAfter', token };
  if (startAtOperationTime !== undefined)
    return { kind: 'startAtOperationTime', ts: startAtOperationTime as Timestamp };
  return { kind: 'now' };
}

/**
 * Validates `pipeline[0].$changeStream` and the namespace it was opened on, throwing the errors
 * MongoDB 7.0 gives for each mistake (unknown option, wrong type, bad enum value, conflicting
 * resume options, internal namespaces...).
 */
export function parseChangeStreamSpec(request: ChangeStreamRequest): ChangeStreamSpec {
  const options: unknown = request.pipeline[0]?.$changeStream;
  if (bsonTypeOf(options) !== 'object') {
    throw new CommandError(50808, 'Location50808', '$changeStream stage expects a document as argument');
  }
  const spec = options as Document;
  for (const field of Object.keys(spec)) {
    if (!KNOWN_OPTIONS.has(field)) {
      throw new CommandError(40415, 'Location40415', `BSON field '$changeStream.${field}' is an unknown field.`);
    }
  }
  for (const field of BOOLEAN_OPTIONS) {
    if (spec[field] !== undefined && typeof spec[field] !== 'boolean') throw wrongType(field, spec[field], 'bool');
  }
  const fullDocument = parseEnum('fullDocument', spec.fullDocument, FULL_DOCUMENT_MODES) ?? 'default';
  const fullDocumentBeforeChange =
    parseEnum('fullDocumentBeforeChange', spec.fullDocumentBeforeChange, BEFORE_CHANGE_MODES) ?? 'off';
  const scope = scopeOf(request, spec.allChangesForCluster === true);
  return {
    scope,
    start: startOf(spec),
    fullDocument: fullDocument as FullDocumentMode,
    fullDocumentBeforeChange: fullDocumentBeforeChange as FullDocumentBeforeChangeMode,
    showExpandedEvents: spec.showExpandedEvents === true,
  };
}
