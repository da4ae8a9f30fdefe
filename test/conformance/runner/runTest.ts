// Executing one test of a unified spec file: setup, operations, event and outcome assertions, cleanup.
import type { Document, MongoClient } from 'mongodb';
import { type ChangeStreamEntity, type EntityKind, EntityMap } from './entities.js';
import { assertExpectedError, isRunnerError } from './expectError.js';
import { assertExpectedEvents } from './expectEvents.js';
import { assertResultMatches, findMismatch, MatchError } from './match.js';
import { ITERABLE_OPERATIONS, type OperationContext } from './operations/context.js';
import { handlerFor, isSupported } from './operations/index.js';
import { type DeploymentInfo, requirementsUnmet } from './requirements.js';
import { schemaSupported } from './specFiles.js';
import type { CollectionData, Operation, SpecFile, SpecTest } from './types.js';
import { UnsupportedError } from './unsupported.js';

export type TestOutcome =
  | { status: 'passed' }
  | { status: 'failed'; reason: string }
  | { status: 'skipped'; reason: string }
  | { status: 'unsupported'; reason: string };

export interface RunnerEnv {
  uri: string;
  internal: MongoClient;
  info: DeploymentInfo;
  iterateTimeoutMS: number;
}

const MAJORITY = { writeConcern: { w: 'majority' as const } };

/** Why the test cannot run here (requirements, skipReason, runner support), or undefined. */
async function whyNotRunnable(file: SpecFile, test: SpecTest, info: DeploymentInfo): Promise<TestOutcome | undefined> {
  if (!schemaSupported(file.schemaVersion)) {
    return { status: 'unsupported', reason: `runner: unsupported operation schemaVersion ${file.schemaVersion}` };
  }
  if (test.skipReason) return { status: 'skipped', reason: `skipReason: ${test.skipReason}` };
  const unmet =
    (await requirementsUnmet(file.runOnRequirements, info)) ?? (await requirementsUnmet(test.runOnRequirements, info));
  if (unmet) return { status: 'skipped', reason: unmet };
  const unsupported = firstUnsupported(file, test);
  if (unsupported) return { status: 'unsupported', reason: `runner: unsupported operation ${unsupported}` };
  return undefined;
}

/** Scans the test for operations/features the runner lacks, so it is skipped before touching the server. */
function firstUnsupported(file: SpecFile, test: SpecTest): string | undefined {
  const kinds = new Map<string, EntityKind | 'testRunner'>([['testRunner', 'testRunner']]);
  for (const spec of file.createEntities ?? []) {
    const [kind, body] = Object.entries(spec)[0] ?? [];
    if (!['client', 'database', 'collection', 'session'].includes(kind ?? '')) return `entity ${kind}`;
    kinds.set((body as { id: string }).id, kind as EntityKind);
  }
  for (const op of test.operations) {
    const kind = kinds.get(op.object);
    if (kind && !isSupported(kind, op.name)) return kind === 'testRunner' ? op.name : `${kind}.${op.name}`;
    if (!kind && !isSupported('changeStream', op.name)) return `${op.name} on ${op.object}`;
    if (op.saveResultAsEntity) {
      kinds.set(op.saveResultAsEntity, op.name === 'createChangeStream' ? 'changeStream' : 'value');
    }
  }
  if (test.expectLogMessages) return 'expectLogMessages';
  const otherEvents = test.expectEvents?.find((e) => (e.eventType ?? 'command') !== 'command');
  if (otherEvents) return `expectEvents eventType ${otherEvents.eventType}`;
  return undefined;
}

async function setUpInitialData(internal: MongoClient, data: CollectionData[] = []) {
  for (const { databaseName, collectionName, createOptions, documents } of data) {
    const db = internal.db(databaseName);
    await db.collection(collectionName).drop(MAJORITY);
    if (createOptions) await db.createCollection(collectionName, { ...createOptions, ...MAJORITY });
    if (documents.length > 0) await db.collection(collectionName).insertMany(documents, MAJORITY);
    else if (!createOptions) await db.createCollection(collectionName, MAJORITY);
  }
}

async function assertOutcome(internal: MongoClient, outcome: CollectionData[], entities: EntityMap) {
  for (const { databaseName, collectionName, documents } of outcome) {
    const actual = await internal
      .db(databaseName)
      .collection(collectionName)
      .find({}, { sort: { _id: 1 }, readPreference: 'primary', readConcern: { level: 'local' } })
      .toArray();
    // Collection contents must match exactly: every document is compared as a nested (non-root) document.
    const mismatch = findMismatch(documents, actual, entities, false);
    if (mismatch) throw new MatchError(`outcome ${databaseName}.${collectionName} mismatch at ${mismatch}`);
  }
}

function isChangeStreamEntity(value: unknown): value is ChangeStreamEntity {
  return typeof value === 'object' && value !== null && (value as ChangeStreamEntity).kind === 'changeStream';
}

async function runOperation(op: Operation, ctx: OperationContext): Promise<void> {
  const kind = op.object === 'testRunner' ? 'testRunner' : ctx.entities.kindOf(op.object);
  if (!kind) throw new Error(`runner: no entity '${op.object}'`);
  const handler = handlerFor(kind, op.name);
  let result: unknown;
  let error: unknown;
  let threw = false;
  try {
    result = await handler(op.object, (op.arguments ?? {}) as Document, ctx);
  } catch (caught) {
    if (caught instanceof UnsupportedError) throw caught;
    threw = true;
    error = caught;
  }
  if (op.ignoreResultAndError) return;
  const iterable = ITERABLE_OPERATIONS.has(op.name);
  if (op.expectError) {
    if (!threw) throw new MatchError('expected an error, but the operation succeeded');
    if (isRunnerError(error)) throw error;
    assertExpectedError(op.expectError, error, ctx.entities, iterable);
    return;
  }
  if (threw) throw error;
  if (op.expectResult !== undefined) {
    const actual = isChangeStreamEntity(result) ? undefined : result;
    assertResultMatches(op.expectResult, actual, ctx.entities, iterable);
  }
  if (op.saveResultAsEntity) {
    ctx.entities.set(op.saveResultAsEntity, isChangeStreamEntity(result) ? result : { kind: 'value', value: result });
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${code !== undefined ? ` (code ${String(code)})` : ''}: ${error.message}`;
  }
  return String(error);
}

/** Runs one test; never throws (failures are reported in the outcome). */
export async function runSpecTest(file: SpecFile, test: SpecTest, env: RunnerEnv): Promise<TestOutcome> {
  const notRunnable = await whyNotRunnable(file, test, env.info);
  if (notRunnable) return notRunnable;

  const entities = new EntityMap(env.uri);
  const ctx: OperationContext = {
    entities,
    internal: env.internal,
    failPoints: [],
    iterateTimeoutMS: env.iterateTimeoutMS,
  };
  let step = 'initialData';
  try {
    await setUpInitialData(env.internal, file.initialData);
    step = 'createEntities';
    await entities.create(file.createEntities ?? []);
    entities.setRecording(true);
    for (const [i, op] of test.operations.entries()) {
      step = `operation ${i} (${op.object}.${op.name})`;
      await runOperation(op, ctx);
    }
    entities.setRecording(false);
    step = 'expectEvents';
    assertExpectedEvents(test.expectEvents ?? [], entities);
    step = 'outcome';
    await assertOutcome(env.internal, test.outcome ?? [], entities);
    return { status: 'passed' };
  } catch (error) {
    if (error instanceof UnsupportedError) return { status: 'unsupported', reason: error.message };
    return { status: 'failed', reason: `${step}: ${errorMessage(error)}` };
  } finally {
    entities.setRecording(false);
    for (const { client, name } of ctx.failPoints) {
      await client
        .db('admin')
        .command({ configureFailPoint: name, mode: 'off' })
        .catch(() => undefined);
    }
    await entities.close();
  }
}
