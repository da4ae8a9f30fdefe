import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NODE_SCRIPT = 'test/scale/support/bridgeNode.ts';

/** A child process run with tsx from the repo root, read line by line. */
export class LineProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private readonly lines: string[] = [];
  private readonly waiters = new Set<() => void>();
  private output = '';

  /** Every stdout line so far (the ones `line()` took included). */
  readonly all: string[] = [];

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => this.wake());
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.all.push(line);
      this.wake();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The next stdout line starting with `prefix` (without it). */
  line(prefix: string, timeoutMs = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no '${prefix}' line in ${timeoutMs} ms`)), timeoutMs);
      const done = (error?: Error, value?: string) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve(value as string);
      };
      const check = () => {
        const i = this.lines.findIndex((l) => l.startsWith(prefix));
        if (i >= 0) return done(undefined, (this.lines.splice(i, 1)[0] as string).slice(prefix.length).trim());
        if (!this.alive) done(new Error(`exited before printing '${prefix}'; stderr:\n${this.output}`));
      };
      this.waiters.add(check);
      check();
    });
  }

  send(message: unknown): void {
    this.child.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  async kill(signal: NodeJS.Signals): Promise<number | null> {
    if (this.alive) this.child.kill(signal);
    return this.exited;
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** The MongoDB every node shares: MONGODB_URI when set, else the embedded server in its own process. */
export interface SharedMongo {
  uri: string;
  /** A database name unique to this run. */
  dbName: string;
  stop(): Promise<void>;
}

export async function startSharedMongo(prefix = 'scale'): Promise<SharedMongo> {
  const dbName = `${prefix}_${randomBytes(4).toString('hex')}`;
  const external = process.env.MONGODB_URI;
  if (external) return { uri: external, dbName, stop: async () => undefined };
  const proc = new LineProcess(['packages/embedded-mongo/src/cli.ts', '--port', '0'], {});
  const uri = await proc.line('mongodb://');
  return { uri: `mongodb://${uri}`, dbName, stop: async () => void (await proc.kill('SIGTERM')) };
}

/** The shared MongoDB, a driver client on it, and a `close()` that drops the run's database. */
export interface SharedDatabase {
  mongo: SharedMongo;
  driver: MongoClient;
  close(): Promise<void>;
}

export async function openSharedDatabase(prefix: string): Promise<SharedDatabase> {
  const mongo = await startSharedMongo(prefix);
  const driver = await new MongoClient(mongo.uri).connect();
  return {
    mongo,
    driver,
    async close() {
      await driver
        .db(mongo.dbName)
        .dropDatabase()
        .catch(() => undefined);
      await driver.close();
      await mongo.stop();
    },
  };
}

/** What a bridge node reports on `stats`. */
export interface NodeStats {
  name: string;
  sockets: number;
  subscriptions: number;
  mongoStreams: number;
  liveQueries: number;
  /** `$changeStream` aggregates its MongoClient sent since it started. */
  changeStreamAggregates: number;
  /** The `client` query parameter of every socket it serves. */
  clients: string[];
  cpu: { user: number; system: number };
}

export interface BridgeNodeOptions {
  uri: string;
  name: string;
  /** socket.io transports the node accepts; default polling and websocket. */
  transports?: Array<'polling' | 'websocket'>;
  /** Grace period (ms) of `bridge.close({ drain })` on SIGTERM; default 0 (plain close). */
  drainMs?: number;
  /** Directory of static files served at `/`. */
  staticDir?: string;
}

/** One bridge process (test/scale/support/bridgeNode.ts). */
export class BridgeNode {
  private proc: LineProcess | undefined;
  port = 0;

  constructor(readonly options: BridgeNodeOptions) {}

  get name(): string {
    return this.options.name;
  }

  get alive(): boolean {
    return this.proc?.alive ?? false;
  }

  /** Starts (or restarts) the process; resolves with the port it listens on (a new one each start). */
  async start(): Promise<number> {
    const { uri, name, transports, drainMs, staticDir } = this.options;
    this.proc = new LineProcess([NODE_SCRIPT], {
      MONGODB_URI: uri,
      NODE_NAME: name,
      TRANSPORTS: (transports ?? ['polling', 'websocket']).join(','),
      DRAIN_MS: String(drainMs ?? 0),
      ...(staticDir ? { STATIC_DIR: staticDir } : {}),
    });
    this.port = Number(await this.proc.line('LISTENING '));
    return this.port;
  }

  async stats(): Promise<NodeStats> {
    if (!this.proc?.alive) throw new Error(`${this.name} is not running`);
    this.proc.send({ cmd: 'stats' });
    return JSON.parse(await this.proc.line('STATS ', 10_000)) as NodeStats;
  }

  /** SIGKILL: the process dies at once, its sockets are reset by the kernel. */
  kill(): Promise<number | null> {
    return this.proc ? this.proc.kill('SIGKILL') : Promise.resolve(null);
  }

  /** SIGTERM: the node closes gracefully (draining when `drainMs` is set); resolves with its exit code. */
  terminate(): Promise<number | null> {
    return this.proc ? this.proc.kill('SIGTERM') : Promise.resolve(null);
  }
}

/** Starts `count` bridge nodes on one MongoDB. */
export async function startNodes(
  count: number,
  options: Omit<BridgeNodeOptions, 'name'> & { prefix?: string },
): Promise<BridgeNode[]> {
  const nodes = Array.from(
    { length: count },
    (_, i) => new BridgeNode({ ...options, name: `${options.prefix ?? 'node'}-${i + 1}` }),
  );
  await Promise.all(nodes.map((n) => n.start()));
  return nodes;
}
