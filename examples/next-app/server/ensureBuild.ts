import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Newest modification time among `paths` (files or directories, recursively). */
function newestMtime(paths: string[]): number {
  let newest = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const stat = statSync(p);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(p, { recursive: true })) {
        const file = path.join(p, String(entry));
        if (file.includes(`${path.sep}node_modules${path.sep}`) || /\.test\.tsx?$/.test(file)) continue;
        newest = Math.max(newest, statSync(file).mtimeMs);
      }
    } else newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}

/** Why the production build in `dir/.next` must be (re)made, or undefined when it is current. */
export function buildNeeded(dir: string): string | undefined {
  const buildId = path.join(dir, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return 'no production build yet';
  const repo = path.join(dir, '..', '..');
  const sources = [
    path.join(dir, 'app'),
    path.join(dir, 'lib'),
    path.join(dir, 'next.config.ts'),
    ...['protocol', 'client', 'react'].map((name) => path.join(repo, 'packages', name, 'src')),
  ];
  return newestMtime(sources) > statSync(buildId).mtimeMs ? 'sources changed since the last build' : undefined;
}

/** Runs `next build --webpack` in `dir` (output shown), rejecting when it fails. */
export function runNextBuild(dir: string): Promise<void> {
  const nextBin = createRequire(path.join(dir, 'package.json')).resolve('next/dist/bin/next');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build', '--webpack'], {
      cwd: dir,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    });
    // Ctrl-C during the build stops the build too, even when the signal reached only this process.
    const stop = (signal: NodeJS.Signals) => child.kill(signal);
    process.once('SIGINT', stop).once('SIGTERM', stop);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      if (code === 0) resolve();
      else reject(new Error(signal ? `next build stopped (${signal})` : `next build failed (exit code ${code})`));
    });
  });
}
