import { commandError } from '../errors.js';
import { DocumentLocked } from '../storage/Store.js';
import type { CommandContext } from './CommandContext.js';
import { toInteger } from './commandArguments.js';

/** When the command must give up waiting (its maxTimeMS from its start), or undefined for never. */
export function commandDeadline(ctx: CommandContext): number | undefined {
  const ms = toInteger(ctx.body.maxTimeMS, 'maxTimeMS');
  return ms !== undefined && ms > 0 ? ctx.startedAt + ms : undefined;
}

async function waitFor(released: Promise<void>, deadline: number | undefined): Promise<void> {
  if (deadline === undefined) return released;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(commandError('MaxTimeMSExpired', 'operation exceeded time limit')),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    await Promise.race([released, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one write that touches a single document (an insert, one document of an update or
 * delete, an upsert). When an open transaction holds that document, the write waits until the
 * transaction commits or aborts (at most until the command's maxTimeMS: MaxTimeMSExpired) and
 * runs again with `retrying` true, so it can re-read the document: as mongod's writes wait on a
 * transaction's locks. The transaction, in turn, gets a WriteConflict if it touches a document
 * written outside it after its snapshot (TransactionStore).
 */
export async function writeWhenUnlocked<T>(
  ctx: CommandContext,
  write: (retrying: boolean) => T | Promise<T>,
): Promise<T> {
  let retrying = false;
  for (;;) {
    try {
      return await write(retrying);
    } catch (error) {
      if (!(error instanceof DocumentLocked)) throw error;
      await waitFor(error.released, commandDeadline(ctx));
      retrying = true;
    }
  }
}

/**
 * DDL (drop, dropDatabase, renameCollection) waits for the open transactions that read or wrote
 * the namespaces it changes, at most until its maxTimeMS, as mongod's exclusive collection lock
 * waits for their intent locks.
 */
export async function whenNamespacesFree(ctx: CommandContext, test: (ns: string) => boolean): Promise<void> {
  if (ctx.inTransaction) return;
  for (;;) {
    const txn = ctx.server.transactions.usingNamespace(test);
    if (!txn) return;
    await waitFor(txn.ended, commandDeadline(ctx));
  }
}
