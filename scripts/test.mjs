#!/usr/bin/env node
// `npm test`: every vitest project (unit, react, conformance) straight from the TypeScript
// sources, then the multi-process scale tests, then the browser tests. Ends with one plain line `N passed, N failed[, N skipped]`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, '.tmp');
mkdirSync(outDir, { recursive: true });
const extra = process.argv.slice(2);

function hasFiles(dir, suffix) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith(suffix));
}

function runVitest(label, projects) {
  const out = join(outDir, `vitest-${label}.json`);
  const args = ['vitest', 'run', ...projects.flatMap((p) => ['--project', p])];
  args.push('--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...extra);
  const res = spawnSync('npx', args, { cwd: root, stdio: 'inherit' });
  let counts = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    counts = {
      passed: report.numPassedTests ?? 0,
      failed: (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0),
      skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    };
  }
  // A crash of vitest itself (no report, non-zero status) counts as a failure.
  if (res.status !== 0 && counts.failed === 0) counts.failed = 1;
  return { ok: res.status === 0, counts };
}

const phases = [runVitest('main', ['unit', 'react', 'conformance'])];
// Multi-process tests (several bridge processes each) after the rest, one file at a time.
if (hasFiles(join(root, 'test/scale'), '.test.ts')) phases.push(runVitest('scale', ['scale']));
if (hasFiles(join(root, 'test/e2e'), '.test.ts')) phases.push(runVitest('e2e', ['e2e']));

const total = phases.reduce(
  (t, p) => ({
    passed: t.passed + p.counts.passed,
    failed: t.failed + p.counts.failed,
    skipped: t.skipped + p.counts.skipped,
  }),
  { passed: 0, failed: 0, skipped: 0 },
);
const ok = phases.every((p) => p.ok);
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(ok ? 0 : 1);
