import { Binary, type Document } from 'bson';
import { openChangeStream } from '../changestream/openChangeStream.js';
import type { ChangeStreamRequest } from '../changestream/types.js';
import { commandError } from '../errors.js';
import { runPipeline } from '../query/index.js';
import { runWriteStage, writeStageOf } from './aggregateWriteStages.js';
import type { CommandContext, CommandHandler } from './CommandContext.js';
import { bsonTypeName, cursorBatchSize, optionalDocument, toInteger } from './commandArguments.js';
import { cursorDocument, firstBatchReply } from './cursorReplies.js';
import { evaluateLet } from './readCommands.js';
import { readableDocuments } from './views.js';

/**
 * aggregate: `$changeStream` pipelines open a change-stream cursor; every other pipeline runs over
 * the collection's documents (or none, for `aggregate: 1`), with `$out`/`$merge` as last stage.
 */
export const aggregate: CommandHandler = async (ctx) => {
  const { body } = ctx;
  const target = body.aggregate;
  if (typeof target !== 'string' && target !== 1) {
    throw commandError('InvalidNamespace', `collection name has invalid type ${bsonTypeName(target)}`);
  }
  if (!Array.isArray(body.pipeline)) {
    throw commandError('TypeMismatch', "BSON field 'aggregate.pipeline' is missing or not of type array");
  }
  const pipeline = body.pipeline as Document[];
  if (body.explain) throw commandError('NotImplemented', 'explain is not supported by the embedded MongoDB server');
  if (body.cursor === undefined) {
    throw commandError(
      'FailedToParse',
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  const coll = typeof target === 'string' ? target : undefined;
  const batchSize = cursorBatchSize(body);
  const collation = optionalDocument(body, 'collation');
  const first = pipeline[0];
  const letSpec = optionalDocument(body, 'let');
  const variables = letSpec ? evaluateLet(letSpec) : undefined;
  if (first && typeof first === 'object' && '$changeStream' in first) {
    if (ctx.inTransaction) {
      throw commandError(
        'OperationNotSupportedInTransaction',
        "Cannot run '$changeStream' in a multi-document transaction.",
      );
    }
    checkChangeStreamReadConcern(body);
    if (coll !== undefined && ctx.store.collection(ctx.db, coll)?.isView) {
      throw commandError('CommandNotSupportedOnView', `Namespace ${ctx.db}.${coll} is a view, not a collection`);
    }
    return openChangeStreamReply(ctx, {
      db: ctx.db,
      ...(coll !== undefined ? { coll } : {}),
      pipeline,
      ...(batchSize !== undefined ? { batchSize } : {}),
      ...(collation ? { collation } : {}),
      ...(variables ? { variables } : {}),
      ...maxTime(body),
    });
  }
  const writeStage = writeStageOf(pipeline);
  if (writeStage && ctx.inTransaction) {
    throw commandError(
      'OperationNotSupportedInTransaction',
      `Cannot run '${Object.keys(writeStage)[0]}' in a multi-document transaction.`,
    );
  }
  if (writeStage && (body.readConcern as Document | undefined)?.level === 'linearizable') {
    throw commandError('InvalidOptions', "readConcern level 'linearizable' is not allowed with $out or $merge");
  }
  let stages = writeStage ? pipeline.slice(0, -1) : pipeline;
  let source = coll === undefined ? [] : readableDocuments(ctx.store, ctx.db, coll);
  const sessions = coll === undefined ? sessionSource(ctx, stages[0]) : undefined;
  if (sessions) {
    source = sessions;
    stages = stages.slice(1);
  }
  const results = runPipeline(source, stages, {
    ...(collation ? { collation } : {}),
    ...(variables ? { variables } : {}),
    resolveCollection: (db, name) => readableDocuments(ctx.store, db ?? ctx.db, name),
  });
  const ns = coll === undefined ? `${ctx.db}.$cmd.aggregate` : `${ctx.db}.${coll}`;
  if (writeStage) {
    await runWriteStage(ctx, writeStage, results);
    return firstBatchReply(ctx, ns, [], batchSize);
  }
  return firstBatchReply(ctx, ns, results, batchSize);
};

/** Change streams read majority-committed data only: an explicit other level is refused, as by mongod. */
function checkChangeStreamReadConcern(body: Document): void {
  const level = (body.readConcern as Document | undefined)?.level;
  if (level === undefined || level === 'majority') return;
  throw commandError(
    'InvalidOptions',
    `Command aggregate does not support { readConcern: { level: "${String(level)}", provenance: "clientSupplied" } } :: caused by :: ` +
      `Aggregation stage $changeStream cannot run with a readConcern other than 'majority', or in a multi-document transaction. Current readConcern: ${String(level)}`,
  );
}

function maxTime(body: Document): { maxTimeMS?: number } {
  const maxTimeMS = toInteger(body.maxTimeMS, 'maxTimeMS');
  return maxTimeMS !== undefined ? { maxTimeMS } : {};
}

async function openChangeStreamReply(ctx: CommandContext, request: ChangeStreamRequest): Promise<Document> {
  const { server } = ctx;
  const cursor = openChangeStream(server.changeStreamContext, request);
  server.cursors.add(cursor);
  try {
    const batch = await cursor.getMore({
      ...(request.batchSize !== undefined ? { batchSize: request.batchSize } : {}),
      maxTimeMS: 0,
      during: 'aggregate',
    });
    if (batch.exhausted) server.cursors.kill(cursor.id);
    return cursorDocument(cursor.id, cursor.ns, 'firstBatch', batch);
  } catch (error) {
    server.cursors.kill(cursor.id);
    throw error;
  }
}

/**
 * `$listLocalSessions` / `$listSessions` as the first stage of `aggregate: 1`: sessions are not
 * tracked, so the only one known is the caller's own.
 */
function sessionSource(ctx: CommandContext, first: Document | undefined): Document[] | undefined {
  const name = first ? Object.keys(first)[0] : undefined;
  if (name !== '$listLocalSessions' && name !== '$listSessions') return undefined;
  const { lsid } = ctx;
  return lsid ? [{ _id: { id: lsid.id, uid: new Binary(Buffer.alloc(32), 0) }, lastUse: new Date() }] : [];
}
