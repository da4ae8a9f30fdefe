import { Long, ObjectId } from 'bson';
import type { ChangeStreamContext } from '../changestream/types.js';
import { CursorRegistry } from '../cursors/CursorRegistry.js';
import { FailCommandPoint } from '../failpoints/FailCommandPoint.js';
import { Oplog } from '../oplog/Oplog.js';
import { deepCopy } from '../storage/deepCopy.js';
import { Store } from '../storage/Store.js';
import { documentLockKey } from '../transactions/TransactionStore.js';
import { Transactions } from '../transactions/Transactions.js';
import { ClusterClock } from './ClusterClock.js';
import { ServerParameters } from './ServerParameters.js';

/** Settings fixed when the server starts. */
export interface ServerIdentity {
  readonly replSetName: string;
  /** `host:port` reported in hello's hosts/me/primary: the address clients dial. */
  address: string;
}

/** The state shared by all connections of one embedded server. */
export class ServerState {
  readonly clock = new ClusterClock();
  /** getParameter / setParameter values. */
  readonly parameters = new ServerParameters();
  readonly oplog: Oplog;
  readonly store: Store;
  /** Open multi-document transactions, by session. */
  readonly transactions: Transactions;
  readonly cursors = new CursorRegistry();
  readonly failCommand = new FailCommandPoint();
  /** `failGetMoreAfterCursorCheckout`: fails getMore like a real error (labelled when resumable). */
  readonly failGetMoreAfterCursorCheckout = new FailCommandPoint();
  /** hello's topologyVersion.processId: new per server process, never changes while it runs. */
  readonly processId = new ObjectId();
  readonly topologyCounter = Long.fromNumber(0);
  readonly electionId = new ObjectId('7fffffff0000000000000001');
  readonly startedAt = new Date();
  private connectionCount = 0;
  /** What change streams see of this server (see changestream/types.ts). */
  readonly changeStreamContext: ChangeStreamContext;

  constructor(
    readonly identity: ServerIdentity,
    oplogCapacity = 100_000,
  ) {
    this.oplog = new Oplog(oplogCapacity, this.clock.now());
    this.store = new Store(this.oplog, this.clock);
    this.transactions = new Transactions(this.store, () => this.parameters.transactionLifetimeLimitSeconds);
    this.store.lockedUntil = (ns, id) => this.transactions.holder(documentLockKey(ns, id))?.ended;
    this.changeStreamContext = {
      oplog: this.oplog,
      clusterTime: () => this.clock.now(),
      lookup: (db, coll, documentKey) => {
        const doc = this.store.collection(db, coll)?.findById(documentKey._id);
        return doc ? deepCopy(doc) : undefined;
      },
      newCursorId: () => this.cursors.newId(),
      collectionUUID: (db, coll) => this.store.collection(db, coll)?.uuid,
    };
  }

  private noopTimer: NodeJS.Timeout | undefined;

  /**
   * Like a replica set's periodic no-op writer: every `intervalMS` without a write, appends a
   * no-op to the oplog, so that idle change streams' postBatchResumeToken and the cluster time
   * move on. 0 turns it off.
   */
  startNoopWriter(intervalMS: number): void {
    this.stopNoopWriter();
    if (!(intervalMS > 0)) return;
    this.noopTimer = setInterval(() => {
      const newest = this.oplog.newest();
      if (!newest || Date.now() - newest.wall.getTime() >= intervalMS) this.store.noop();
    }, intervalMS);
    this.noopTimer.unref();
  }

  stopNoopWriter(): void {
    if (this.noopTimer) clearInterval(this.noopTimer);
    this.noopTimer = undefined;
  }

  nextConnectionId(): number {
    return ++this.connectionCount;
  }
}
