/** Options of {@link EmbeddedMongo.start}. */
export interface EmbeddedMongoOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Replica set name reported by hello; default 'rs0'. */
  replSetName?: string;
}

/** An in-memory MongoDB single-node replica set (being built: see the package README). */
export class EmbeddedMongo {
  readonly uri: string;
  readonly port: number;

  private constructor(uri: string, port: number) {
    this.uri = uri;
    this.port = port;
  }

  static async start(_options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
    throw new Error('EmbeddedMongo is not implemented yet; set MONGODB_URI to a replica set.');
  }

  async stop(): Promise<void> {}
}
