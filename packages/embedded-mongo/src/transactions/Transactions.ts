import { type Document, EJSON, Long } from 'bson';
import { type CommandError, commandError } from '../errors.js';
import type { Store } from '../storage/Store.js';
import { TransactionStore, writeConflict } from './TransactionStore.js';

/** One multi-document transaction of a session. */
export interface Transaction {
  readonly lsid: Document;
  readonly txnNumber: Long;
  state: 'open' | 'committed' | 'aborted';
  readonly store: TransactionStore;
  /** Resolves when the transaction commits or aborts (writes waiting on its documents go on then). */
  readonly ended: Promise<void>;
  /** Ends `ended` and the lifetime timer; called once, by Transactions. */
  readonly finish: () => void;
}

/** Commands a transaction may run (mongod refuses others with OperationNotSupportedInTransaction). */
const ALLOWED_IN_TRANSACTION = new Set([
  'find',
  'getMore',
  'killCursors',
  'insert',
  'update',
  'delete',
  'findAndModify',
  'findandmodify',
  'aggregate',
  'distinct',
  'create',
  'createIndexes',
  'commitTransaction',
  'abortTransaction',
]);

const TRANSIENT = { errorLabels: ['TransientTransactionError'] };

function sessionKey(lsid: Document): string {
  return EJSON.stringify(lsid.id ?? lsid, { relaxed: false });
}

function noSuchTransaction(txnNumber: Long, aborted: boolean): CommandError {
  return commandError(
    'NoSuchTransaction',
    aborted
      ? `Transaction with { txnNumber: ${txnNumber.toString()} } has been aborted.`
      : `Given transaction number ${txnNumber.toString()} does not match any in-progress transactions.`,
    TRANSIENT,
  );
}

/**
 * The server's multi-document transactions, one per session at a time: started by the first
 * command with `startTransaction: true`, continued by commands with the same `txnNumber` and
 * `autocommit: false`, ended by commitTransaction / abortTransaction (or a newer transaction,
 * endSessions, or an error in one of its commands, as in mongod).
 *
 * @example
 * const txn = transactions.statement(body, 'insert'); // body has lsid, txnNumber, autocommit: false
 * // run the command against txn.store, then on commitTransaction:
 * transactions.commit(txn);
 */
export class Transactions {
  private readonly bySession = new Map<string, Transaction>();

  constructor(
    private readonly shared: Store,
    /** transactionLifetimeLimitSeconds, read when each transaction starts. */
    private readonly lifetimeSeconds: () => number = () => 60,
  ) {}

  /** True when `body` is part of a multi-document transaction. */
  static isTransactional(body: Document, name: string): boolean {
    return body.autocommit === false || name === 'commitTransaction' || name === 'abortTransaction';
  }

  /** The open transaction a statement belongs to, starting it on `startTransaction: true`. */
  statement(body: Document, name: string): Transaction {
    const { lsid, txnNumber } = this.identity(body, name);
    if (!ALLOWED_IN_TRANSACTION.has(name)) {
      throw commandError('OperationNotSupportedInTransaction', `Cannot run '${name}' in a multi-document transaction.`);
    }
    const key = sessionKey(lsid);
    const current = this.bySession.get(key);
    if (body.startTransaction === true) {
      if (current?.txnNumber.greaterThanOrEqual(txnNumber)) {
        throw commandError(
          'TransactionTooOld',
          `Cannot start transaction ${txnNumber.toString()} on session because a newer transaction ${current.txnNumber.toString()} has already started.`,
        );
      }
      const level = (body.readConcern as Document | undefined)?.level;
      if (level !== undefined && level !== 'snapshot' && level !== 'majority' && level !== 'local') {
        throw commandError(
          'InvalidOptions',
          `The readConcern level must be either 'local' (default), 'majority' or 'snapshot' in order to run in a transaction`,
        );
      }
      if (current?.state === 'open') this.abort(current);
      const txn = this.begin(lsid, txnNumber, key);
      this.bySession.set(key, txn);
      return txn;
    }
    const same = current?.txnNumber.equals(txnNumber) === true;
    if (!current || !same || current.state !== 'open') {
      throw noSuchTransaction(txnNumber, same && current?.state === 'aborted');
    }
    return current;
  }

  /**
   * commitTransaction: replays the writes on the server's store at one cluster time, as one
   * applyOps oplog entry. Committing again is a no-op, as in mongod.
   */
  commit(body: Document): void {
    const txn = this.ended(body, 'commitTransaction');
    if (txn.state === 'committed') return;
    if (txn.state === 'aborted') throw noSuchTransaction(txn.txnNumber, true);
    if (txn.store.conflictsWithCommitted()) {
      this.abort(txn);
      throw writeConflict();
    }
    try {
      this.shared.applyTransaction(txn.store.writes(), { lsid: txn.lsid, txnNumber: txn.txnNumber });
    } catch {
      this.abort(txn);
      throw writeConflict();
    }
    txn.state = 'committed';
    txn.store.release();
    txn.finish();
  }

  /** abortTransaction: drops the writes; nothing reaches the server's store or the oplog. */
  abortCommand(body: Document): void {
    const txn = this.ended(body, 'abortTransaction');
    if (txn.state === 'committed') {
      throw commandError('TransactionCommitted', `Transaction ${txn.txnNumber.toString()} has been committed.`);
    }
    if (txn.state === 'aborted') throw noSuchTransaction(txn.txnNumber, true);
    this.abort(txn);
  }

  abort(txn: Transaction): void {
    if (txn.state !== 'open') return;
    txn.state = 'aborted';
    txn.store.release();
    txn.finish();
  }

  /**
   * The open transaction holding a document (documentLockKey) that `session` is not part of, if
   * any: a write outside it must wait until it ends, as mongod's writes wait on its locks.
   */
  holder(lockKey: string, exceptSession?: string): Transaction | undefined {
    for (const [key, txn] of this.bySession) {
      if (key !== exceptSession && txn.state === 'open' && txn.store.writeSet.has(lockKey)) return txn;
    }
    return undefined;
  }

  /** An open transaction that read or wrote a namespace `test` accepts, if any (DDL waits for it). */
  usingNamespace(test: (ns: string) => boolean): Transaction | undefined {
    for (const txn of this.bySession.values()) if (txn.state === 'open' && txn.store.touches(test)) return txn;
    return undefined;
  }

  /**
   * A new open transaction. As mongod's periodic job does, one still open after
   * transactionLifetimeLimitSeconds is aborted: its next statement or commit gets NoSuchTransaction.
   */
  private begin(lsid: Document, txnNumber: Long, key: string): Transaction {
    let resolve!: () => void;
    const ended = new Promise<void>((r) => {
      resolve = r;
    });
    const timer = setTimeout(() => this.abort(txn), this.lifetimeSeconds() * 1000);
    timer.unref();
    const txn: Transaction = {
      lsid,
      txnNumber,
      state: 'open',
      store: new TransactionStore(this.shared, this.shared.clock.now(), (lockKey) => this.heldByOther(key, lockKey)),
      ended,
      finish: () => {
        clearTimeout(timer);
        resolve();
      },
    };
    return txn;
  }

  /** endSessions / killSessions: their open transactions are aborted. */
  endSessions(lsids: readonly Document[]): void {
    for (const lsid of lsids) {
      const key = sessionKey(lsid);
      const txn = this.bySession.get(key);
      if (txn) this.abort(txn);
      this.bySession.delete(key);
    }
  }

  /** killAllSessions: every open transaction is aborted. */
  abortAll(): void {
    for (const txn of this.bySession.values()) this.abort(txn);
    this.bySession.clear();
  }

  private ended(body: Document, name: string): Transaction {
    const { lsid, txnNumber } = this.identity(body, name);
    const txn = this.bySession.get(sessionKey(lsid));
    if (!txn?.txnNumber.equals(txnNumber)) throw noSuchTransaction(txnNumber, false);
    return txn;
  }

  private identity(body: Document, name: string): { lsid: Document; txnNumber: Long } {
    const lsid = body.lsid as Document | undefined;
    if (!lsid || typeof lsid !== 'object') {
      throw commandError('InvalidOptions', `'${name}' in a transaction requires a session (lsid)`);
    }
    const raw = body.txnNumber;
    const txnNumber = Long.isLong(raw) ? raw : typeof raw === 'number' ? Long.fromNumber(raw) : undefined;
    if (!txnNumber) throw commandError('InvalidOptions', `'${name}' in a transaction requires a txnNumber`);
    return { lsid, txnNumber };
  }

  private heldByOther(session: string, lockKey: string): boolean {
    return this.holder(lockKey, session) !== undefined;
  }
}
