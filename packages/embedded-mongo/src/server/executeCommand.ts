import type { Document } from 'bson';
import type { CommandContext, ConnectionInfo } from '../commands/CommandContext.js';
import { clusterTimeDocument } from '../commands/hello.js';
import { CommandError, codeNameOf, commandError, errorReply } from '../errors.js';
import { RETRYABLE_WRITE_CODES } from '../failpoints/errorLabels.js';
import type { FailCommandAction } from '../failpoints/FailCommandPoint.js';
import { DocumentLocked } from '../storage/Store.js';
import { writeConflict } from '../transactions/TransactionStore.js';
import { Transactions } from '../transactions/Transactions.js';
import { COMMANDS } from './commandTable.js';
import type { ServerState } from './ServerState.js';

/** The outcome of one command: a reply to send, or an instruction to drop the connection. */
export type CommandOutcome = { kind: 'reply'; reply: Document } | { kind: 'close' };

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);

/** Runs one command document and builds its full reply (ok, $clusterTime, operationTime). */
export async function executeCommand(
  server: ServerState,
  connection: ConnectionInfo,
  db: string,
  body: Document,
): Promise<CommandOutcome> {
  const name = Object.keys(body)[0];
  let reply: Document;
  try {
    if (name === undefined) throw commandError('FailedToParse', 'Command document is empty');
    const failure = name === 'configureFailPoint' ? undefined : server.failCommand.match(name, connection.appName);
    if (failure) {
      if (failure.blockTimeMS > 0) await new Promise((resolve) => setTimeout(resolve, failure.blockTimeMS));
      if (failure.closeConnection) return { kind: 'close' };
      if (failure.errorCode !== undefined) throw failCommandError(failure, name, body);
    }
    reply = { ...(await run(server, connection, db, body, name)), ok: 1 };
    if (failure?.writeConcernError) reply.writeConcernError = failure.writeConcernError;
  } catch (error) {
    // Writes that cannot wait per document ($merge, $out) meet a transaction's lock as a conflict.
    reply = errorReply(error instanceof DocumentLocked ? writeConflict() : error);
  }
  reply.$clusterTime = clusterTimeDocument({ server });
  reply.operationTime = server.clock.now();
  return { kind: 'reply', reply };
}

async function run(server: ServerState, connection: ConnectionInfo, db: string, body: Document, name: string) {
  // lsid/txnNumber of ordinary writes are not recorded: MongoDB puts them on change events of
  // multi-document transactions only.
  const lsid = body.lsid && typeof body.lsid === 'object' ? (body.lsid as Document) : undefined;
  if (Transactions.isTransactional(body, name)) return runInTransaction(server, connection, db, body, name, lsid);
  const handler = COMMANDS.get(name);
  if (!handler) throw commandError('CommandNotFound', `no such command: '${name}'`);
  const ctx: CommandContext = {
    server,
    store: server.store,
    db,
    body,
    name,
    connection,
    lsid,
    inTransaction: false,
    startedAt: Date.now(),
  };
  return handler(ctx);
}

/** A statement, commit or abort of a multi-document transaction (see Transactions). */
async function runInTransaction(
  server: ServerState,
  connection: ConnectionInfo,
  db: string,
  body: Document,
  name: string,
  lsid: Document | undefined,
): Promise<Document> {
  const { transactions } = server;
  if (name === 'commitTransaction') {
    transactions.commit(body);
    return {};
  }
  if (name === 'abortTransaction') {
    transactions.abortCommand(body);
    return {};
  }
  const handler = COMMANDS.get(name);
  if (!handler) throw commandError('CommandNotFound', `no such command: '${name}'`);
  const txn = transactions.statement(body, name);
  const ctx: CommandContext = {
    server,
    store: txn.store,
    db,
    body,
    name,
    connection,
    lsid,
    inTransaction: true,
    startedAt: Date.now(),
  };
  try {
    const reply = await handler(ctx);
    // As in mongod, a failed statement aborts its transaction.
    if (Array.isArray(reply.writeErrors) && reply.writeErrors.length > 0) transactions.abort(txn);
    return reply;
  } catch (error) {
    transactions.abort(txn);
    throw error;
  }
}

function failCommandError(failure: FailCommandAction, name: string, body: Document): CommandError {
  const code = failure.errorCode!;
  let labels = failure.errorLabels;
  // Like mongod, failCommand labels retryable write errors itself; change-stream labels only when asked.
  if (
    labels === undefined &&
    WRITE_COMMANDS.has(name) &&
    body.txnNumber !== undefined &&
    RETRYABLE_WRITE_CODES.has(code)
  ) {
    labels = ['RetryableWriteError'];
  }
  return new CommandError(
    code,
    codeNameOf(code),
    failure.errmsg ?? "Failing command via 'failCommand' failpoint",
    labels && labels.length > 0 ? { errorLabels: labels } : undefined,
  );
}
