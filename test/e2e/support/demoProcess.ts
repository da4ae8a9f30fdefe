import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface DemoProcess {
  url: string;
  port: number;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` (default SIGINT, like Ctrl-C) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface DemoProcessOptions {
  mongoUri: string;
  dbName: string;
  /** Preferred port (default 0: any free one). */
  port?: number;
}

/**
 * Starts the demo exactly as `npm run demo` does (`node scripts/demo.mjs`), building the Next app
 * first when needed, and resolves once it prints its URL.
 */
export function startDemoProcess(options: DemoProcessOptions): Promise<DemoProcess> {
  const child = spawn(process.execPath, ['scripts/demo.mjs', '--port', String(options.port ?? 0)], {
    cwd: repoRoot,
    env: {
      ...process.env,
      MONGODB_URI: options.mongoUri,
      DEMO_DB: options.dbName,
      HOST: '127.0.0.1',
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /mongo-live demo ready \([a-z]+\): (http:\/\/\S+)/.exec(output);
      if (match) {
        child.stdout?.off('data', onData);
        child.stdout?.on('data', (more: Buffer) => {
          output += more.toString();
        });
        const url = match[1]!.replace('localhost', '127.0.0.1');
        resolve({
          url,
          port: Number(new URL(url).port),
          output: () => output,
          stop: (signal) => stop(child, exited, signal),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) => reject(new Error(`the demo exited (code ${code}) before it was ready:\n${output}`)));
  });
}

async function stop(
  child: ChildProcess,
  exited: Promise<number | null>,
  signal: NodeJS.Signals = 'SIGINT',
): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  return exited;
}
