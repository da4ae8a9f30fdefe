import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A bench helper process (run with tsx from the repo root, so workspace paths resolve to sources). */
export interface BenchProcess {
  readonly child: ChildProcess;
  /** Resolves with the first stdout line that starts with `prefix` (without the prefix). */
  line(prefix: string, timeoutMs?: number): Promise<string>;
  /** Sends a JSON message on stdin (one per line). */
  send(message: unknown): void;
  stop(): Promise<void>;
}

export function startProcess(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): BenchProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const w of waiters.splice(0)) w();
  });
  return {
    child,
    line(prefix, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${script}: no '${prefix}' line in ${timeoutMs} ms`)),
          timeoutMs,
        );
        const check = () => {
          const i = lines.findIndex((l) => l.startsWith(prefix));
          if (i >= 0) {
            clearTimeout(timer);
            resolve(lines.splice(i, 1)[0]!.slice(prefix.length).trim());
          } else waiters.push(check);
        };
        check();
      });
    },
    send(message) {
      child.stdin!.write(`${JSON.stringify(message)}\n`);
    },
    stop() {
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

/** Starts the embedded server in its own process; resolves with its URI. */
export async function startEmbeddedProcess(): Promise<{ uri: string; stop(): Promise<void> }> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, stop: async () => undefined };
  const proc = startProcess('bench/support/embeddedServer.ts');
  const uri = await proc.line('URI ');
  return { uri, stop: () => proc.stop() };
}
