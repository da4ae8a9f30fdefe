import net from 'node:net';
import { Connection } from './server/Connection.js';
import { ServerState } from './server/ServerState.js';

/** Options of {@link EmbeddedMongo.start}. */
export interface EmbeddedMongoOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Replica set name reported by hello; default 'rs0'. */
  replSetName?: string;
  /** How many writes the change history (oplog) keeps; default 100 000. */
  oplogCapacity?: number;
  /**
   * Milliseconds without a write after which the server writes a no-op, as a replica set does
   * every ~10 s, so idle change streams' resume tokens and the cluster time advance. Default
   * 10 000; 0 turns it off; tests may shorten it.
   */
  noopIntervalMS?: number;
}

/** mongod's periodicNoopIntervalSecs default. */
const DEFAULT_NOOP_INTERVAL_MS = 10_000;

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/**
 * An in-memory MongoDB 8.0 single-node replica set that the official driver talks to over TCP.
 * For tests, demos and Storybook only: data lives in memory and is gone on stop().
 *
 * @example
 * const server = await EmbeddedMongo.start();
 * const client = await new MongoClient(server.uri).connect();
 * await client.db('shop').collection('products').insertOne({ name: 'pen' });
 * await client.close();
 * await server.stop();
 */
export class EmbeddedMongo {
  /** Connection string, e.g. `mongodb://127.0.0.1:PORT/?replicaSet=rs0`. */
  readonly uri: string;
  /** The port the server listens on. */
  readonly port: number;
  private readonly connections = new Set<Connection>();
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly server: net.Server,
    private readonly state: ServerState,
    host: string,
    port: number,
  ) {
    this.port = port;
    const uriHost = host.includes(':') ? `[${host}]` : host;
    this.uri = `mongodb://${uriHost}:${port}/?replicaSet=${encodeURIComponent(state.identity.replSetName)}`;
  }

  /** Starts a server; resolves once it accepts connections. */
  static async start(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
    const listenHost = options.host ?? '127.0.0.1';
    const advertisedHost = WILDCARD_HOSTS.has(listenHost) ? '127.0.0.1' : listenHost;
    const identity = { replSetName: options.replSetName ?? 'rs0', address: '' };
    const state = new ServerState(identity, options.oplogCapacity);
    state.startNoopWriter(options.noopIntervalMS ?? DEFAULT_NOOP_INTERVAL_MS);
    const server = net.createServer();
    let instance: EmbeddedMongo | undefined;
    server.on('connection', (socket) => {
      if (!instance) {
        socket.destroy();
        return;
      }
      instance.accept(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, listenHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as net.AddressInfo;
    identity.address = `${advertisedHost.includes(':') ? `[${advertisedHost}]` : advertisedHost}:${address.port}`;
    instance = new EmbeddedMongo(server, state, advertisedHost, address.port);
    return instance;
  }

  /** Closes every connection and cursor and frees the port. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const connection of [...this.connections]) connection.close();
      this.state.cursors.killAll();
      this.state.stopNoopWriter();
    });
    return this.stopping;
  }

  private accept(socket: net.Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const connection = new Connection(socket, this.state, (closed) => this.connections.delete(closed));
    this.connections.add(connection);
  }
}
