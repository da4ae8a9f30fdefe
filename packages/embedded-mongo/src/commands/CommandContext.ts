import type { Document } from 'bson';
import type { ServerState } from '../server/ServerState.js';
import type { Store } from '../storage/Store.js';

/** What a connection knows about its client (from the handshake). */
export interface ConnectionInfo {
  /** Server-side connection number, reported as hello's connectionId. */
  readonly id: number;
  /** `client.application.name` from the handshake, for failCommand's appName filter. */
  appName: string | undefined;
  /** `host:port` the client reached us on. */
  readonly localAddress: string;
  /** `host:port` of the client. */
  readonly remoteAddress: string;
}

/** Everything a command handler gets. */
export interface CommandContext {
  readonly server: ServerState;
  /** Database the command targets (`$db`). */
  readonly db: string;
  /** The command document, document sequences merged in. */
  readonly body: Document;
  /** The command's name as sent (first field of the body). */
  readonly name: string;
  readonly connection: ConnectionInfo;
  /**
   * The data the command reads and writes: the server's store, or inside a multi-document
   * transaction the transaction's snapshot view (its writes reach the server on commit).
   */
  readonly store: Store;
  /** True for a statement of a multi-document transaction. */
  readonly inTransaction: boolean;
  /** The client session (`lsid`) the command ran in, if any. */
  readonly lsid: Document | undefined;
  /** When the command started (Date.now()), for maxTimeMS. */
  readonly startedAt: number;
}

/** A command implementation: returns the reply (without ok, $clusterTime, operationTime) or throws CommandError. */
export type CommandHandler = (ctx: CommandContext) => Document | Promise<Document>;
