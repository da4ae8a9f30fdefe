import { Long, ObjectId } from 'bson';
import { CursorRegistry } from '../cursors/CursorRegistry.js';
import { FailCommandPoint } from '../failpoints/FailCommandPoint.js';
import { Oplog } from '../oplog/Oplog.js';
import { Store } from '../storage/Store.js';
import { ClusterClock } from './ClusterClock.js';

/** Settings fixed when the server starts. */
export interface ServerIdentity {
  readonly replSetName: string;
  /** `host:port` reported in hello's hosts/me/primary: the address clients dial. */
  address: string;
}

/** The state shared by all connections of one embedded server. */
export class ServerState {
  readonly clock = new ClusterClock();
  readonly oplog: Oplog;
  readonly store: Store;
  readonly cursors = new CursorRegistry();
  readonly failCommand = new FailCommandPoint();
  /** hello's topologyVersion.processId: new per server process, never changes while it runs. */
  readonly processId = new ObjectId();
  readonly topologyCounter = Long.fromNumber(0);
  readonly electionId = new ObjectId('7fffffff0000000000000001');
  readonly startedAt = new Date();
  private connectionCount = 0;

  constructor(
    readonly identity: ServerIdentity,
    oplogCapacity = 100_000,
  ) {
    this.oplog = new Oplog(oplogCapacity);
    this.store = new Store(this.oplog, this.clock);
  }

  nextConnectionId(): number {
    return ++this.connectionCount;
  }
}
