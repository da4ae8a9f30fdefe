// Rewrites expected-failures.ts from the last conformance run against the EMBEDDED server:
//   npm run test:conformance; npx tsx test/conformance/update-expected-failures.ts
// Tests that failed are listed (reason: their failure, shortened; entries with cause 'driver' keep their
// hand-written reason); tests that passed or were skipped are dropped; tests the run did not include
// (e.g. a filtered run) keep their current entry.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ExpectedFailure, expectedFailures } from './expected-failures.js';
import type { ResultsFile } from './runner/report.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const resultsPath = `${root}.tmp/conformance-results.json`;
const listPath = fileURLToPath(new URL('./expected-failures.ts', import.meta.url));

/** One line, no terminal colours, no run-specific values (ports, ids, times), at most 200 characters. */
export function oneLineReason(reason: string): string {
  const line = reason
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
    .replace(/\u001b\[[0-9;]*m/g, '')
    .replace(/\s+/g, ' ')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replace(/ObjectId\('?[0-9a-f]{24}'?\)|"\$oid":"[0-9a-f]{24}"/g, 'ObjectId(…)')
    .trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function main() {
  if (!existsSync(resultsPath)) throw new Error(`no results at ${resultsPath}: run npm run test:conformance first`);
  const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as ResultsFile;
  if (results.kind !== 'embedded')
    throw new Error('the last run used MONGODB_URI; known failures describe the embedded server');

  const key = (file: string, test: string) => `${file}\u0000${test}`;
  const ran = new Set(results.records.map((r) => key(r.file, r.test)));
  const current = new Map(expectedFailures.map((f) => [key(f.file, f.test), f]));
  const failing: ExpectedFailure[] = results.records
    .filter((r) => r.status === 'failed' || r.status === 'expected-fail')
    .map((r) => {
      const existing = current.get(key(r.file, r.test));
      if (existing?.cause === 'driver') return existing;
      return { file: r.file, test: r.test, reason: oneLineReason(r.reason ?? 'fails') };
    });
  const kept = expectedFailures.filter((f) => !ran.has(key(f.file, f.test)));
  const list = [...failing, ...kept].sort((a, b) => a.file.localeCompare(b.file));

  const header = readFileSync(listPath, 'utf8').split('export const expectedFailures')[0];
  const body = list
    .map((f) => {
      const cause = f.cause ? `, cause: ${q(f.cause)}` : '';
      return `  { file: ${q(f.file)}, test: ${q(f.test)}, reason: ${q(f.reason)}${cause} },`;
    })
    .join('\n');
  writeFileSync(listPath, `${header}export const expectedFailures: ExpectedFailure[] = [\n${body}\n];\n`);
  spawnSync('npx', ['biome', 'format', '--write', listPath], { cwd: root, stdio: 'ignore' });
  console.log(`expected-failures.ts: ${list.length} entries (${failing.length} from this run, ${kept.length} kept)`);
}

const q = (s: string) => JSON.stringify(s);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
