// Steps of the consumer test: each is timed, its output kept and printed once it ends (steps run
// side by side), and a failure fails the run without stopping the other steps.
import { spawn } from 'node:child_process';

const results = [];

/**
 * Runs a command; resolves with its output (stdout + stderr). Rejects when it fails, or, with
 * `expectFailure`, when it succeeds.
 */
export function run(cmd, args, { cwd, env, log, expectFailure = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const t0 = Date.now();
    child.on('error', reject);
    child.on('close', (code) => {
      const line = `  $ ${cmd} ${args.join(' ')}  (${((Date.now() - t0) / 1000).toFixed(1)} s, exit ${code})`;
      log?.push(line);
      const failed = code !== 0;
      if (failed === expectFailure) resolve(out);
      else reject(new Error(`${line}\n${expectFailure ? 'expected to fail, but succeeded' : 'failed'}:\n${out}`));
    });
  });
}

/** Runs one named step; prints its result and timing when it ends. */
export async function step(name, fn) {
  const t0 = Date.now();
  try {
    const value = await fn();
    const seconds = (Date.now() - t0) / 1000;
    results.push({ name, ok: true, seconds });
    console.log(`ok   ${name} (${seconds.toFixed(1)} s)`);
    if (typeof value === 'string' && value) console.log(value);
    return value;
  } catch (error) {
    const seconds = (Date.now() - t0) / 1000;
    results.push({ name, ok: false, seconds });
    console.log(`FAIL ${name} (${seconds.toFixed(1)} s)\n${error instanceof Error ? error.message : error}`);
    return undefined;
  }
}

/** Prints the table of steps; returns whether any failed. */
export function summary(totalMs) {
  const failed = results.filter((r) => !r.ok);
  console.log(
    `\nconsumer test: ${results.length - failed.length} steps passed, ${failed.length} failed, ${(totalMs / 1000).toFixed(1)} s`,
  );
  for (const r of failed) console.log(`  failed: ${r.name}`);
  return failed.length > 0;
}
