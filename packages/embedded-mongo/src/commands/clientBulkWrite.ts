import { type Document, Long } from 'bson';
import { commandError, errorReply } from '../errors.js';
import type { CommandContext, CommandHandler } from './CommandContext.js';
import { optionalBoolean } from './commandArguments.js';
import { insert, remove, update } from './writeCommands.js';

/** Command options passed on to each insert / update / delete. */
const SHARED_OPTIONS = ['let', 'bypassDocumentValidation', 'comment'] as const;

interface Counts {
  nErrors: number;
  nInserted: number;
  nUpserted: number;
  nMatched: number;
  nModified: number;
  nDeleted: number;
}

function namespaceOf(nsInfo: unknown[], index: unknown): { db: string; coll: string } {
  const entry = typeof index === 'number' ? (nsInfo[index] as Document | undefined) : undefined;
  const ns = entry?.ns;
  if (typeof ns !== 'string' || !ns.includes('.')) {
    throw commandError(
      'BadValue',
      `BulkWrite ops entry refers to namespace index ${String(index)}, which is not in nsInfo`,
    );
  }
  const dot = ns.indexOf('.');
  return { db: ns.slice(0, dot), coll: ns.slice(dot + 1) };
}

/** One op as the single-statement insert / update / delete command it is. */
function statementCommand(op: Document, coll: string, body: Document): Document {
  const shared: Document = { ordered: true };
  for (const option of SHARED_OPTIONS) if (body[option] !== undefined) shared[option] = body[option];
  const pick = (fields: string[]) => {
    const out: Document = {};
    for (const field of fields) if (op[field] !== undefined) out[field] = op[field];
    return out;
  };
  if ('insert' in op) return { insert: coll, documents: [op.document], ...shared };
  if ('update' in op) {
    return {
      update: coll,
      updates: [
        { q: op.filter, u: op.updateMods, ...pick(['multi', 'upsert', 'arrayFilters', 'collation', 'hint', 'sort']) },
      ],
      ...shared,
    };
  }
  if ('delete' in op) {
    return {
      delete: coll,
      deletes: [{ q: op.filter, limit: op.multi === true ? 0 : 1, ...pick(['collation', 'hint']) }],
      ...shared,
    };
  }
  throw commandError('FailedToParse', 'Unrecognized bulkWrite op: expected insert, update or delete');
}

/** Runs one op; its entry of the results cursor. */
async function runOp(ctx: CommandContext, op: Document, idx: number, nsInfo: unknown[], counts: Counts) {
  try {
    const kind = 'insert' in op ? 'insert' : 'update' in op ? 'update' : 'delete';
    const { db, coll } = namespaceOf(nsInfo, op[kind]);
    const body = statementCommand(op, coll, ctx.body);
    const handler = kind === 'insert' ? insert : kind === 'update' ? update : remove;
    const reply = await handler({ ...ctx, db, body, name: kind });
    const writeError = (reply.writeErrors as Document[] | undefined)?.[0];
    if (writeError) {
      const { index: _index, ...error } = writeError;
      counts.nErrors++;
      return { ok: 0, idx, ...error };
    }
    if (kind === 'insert') {
      counts.nInserted += reply.n as number;
      return { ok: 1, idx, n: reply.n };
    }
    if (kind === 'delete') {
      counts.nDeleted += reply.n as number;
      return { ok: 1, idx, n: reply.n };
    }
    const upserted = (reply.upserted as Document[] | undefined)?.[0];
    counts.nMatched += (reply.n as number) - (upserted ? 1 : 0);
    counts.nModified += reply.nModified as number;
    if (upserted) counts.nUpserted++;
    return {
      ok: 1,
      idx,
      n: reply.n,
      nModified: reply.nModified,
      ...(upserted ? { upserted: { _id: upserted._id } } : {}),
    };
  } catch (error) {
    counts.nErrors++;
    const { ok: _ok, errorLabels: _labels, ...failure } = errorReply(error);
    return { ok: 0, idx, ...failure };
  }
}

/**
 * bulkWrite (MongoDB 8.0, admin): inserts, updates and deletes across namespaces in one command,
 * each op run as the single-statement write it stands for; per-op results in a cursor (only the
 * errors with `errorsOnly`), totals alongside.
 */
export const clientBulkWrite: CommandHandler = async (ctx) => {
  const { body } = ctx;
  if (ctx.db !== 'admin') throw commandError('Unauthorized', 'bulkWrite may only be run against the admin database.');
  const ops = body.ops;
  const nsInfo = body.nsInfo;
  if (!Array.isArray(ops) || !Array.isArray(nsInfo)) {
    throw commandError('TypeMismatch', "BSON field 'bulkWrite.ops' and 'bulkWrite.nsInfo' must be arrays");
  }
  const ordered = optionalBoolean(body, 'ordered') ?? true;
  const errorsOnly = optionalBoolean(body, 'errorsOnly') ?? false;
  const counts: Counts = { nErrors: 0, nInserted: 0, nUpserted: 0, nMatched: 0, nModified: 0, nDeleted: 0 };
  const results: Document[] = [];
  for (let idx = 0; idx < ops.length; idx++) {
    const result = await runOp(ctx, ops[idx] as Document, idx, nsInfo, counts);
    if (!errorsOnly || result.ok === 0) results.push(result);
    if (result.ok === 0 && ordered) break;
  }
  return {
    cursor: { id: Long.fromNumber(0), firstBatch: results, ns: 'admin.$cmd.bulkWrite' },
    ...counts,
  };
};
