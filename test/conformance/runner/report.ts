// Results of a conformance run: records, the summary table, the pass-rate thresholds, the JSON for tools.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Suite } from './specFiles.js';

/**
 * passed; failed (unexpectedly); expected-fail (listed in expected-failures.ts and still failing);
 * fixed (listed but now passing: the list must be updated); skipped (requirements, skipReason);
 * unsupported (the runner lacks something the test uses).
 */
export type RecordStatus = 'passed' | 'failed' | 'expected-fail' | 'fixed' | 'skipped' | 'unsupported';

export interface TestRecord {
  suite: Suite;
  file: string;
  test: string;
  status: RecordStatus;
  reason?: string;
}

const COLUMNS: RecordStatus[] = ['passed', 'failed', 'expected-fail', 'fixed', 'skipped', 'unsupported'];

type Counts = Record<RecordStatus, number>;

function count(records: TestRecord[]): Counts {
  const counts = Object.fromEntries(COLUMNS.map((c) => [c, 0])) as Counts;
  for (const record of records) counts[record.status]++;
  return counts;
}

/** A plain-text table: one row per spec file, then a total per suite and overall. */
export function summaryTable(records: TestRecord[]): string {
  const rows: string[][] = [];
  const files = [...new Set(records.map((r) => r.file))];
  for (const file of files)
    rows.push([file, ...COLUMNS.map((c) => String(count(records.filter((r) => r.file === file))[c]))]);
  for (const suite of new Set(records.map((r) => r.suite))) {
    rows.push([`TOTAL ${suite}`, ...COLUMNS.map((c) => String(count(records.filter((r) => r.suite === suite))[c]))]);
  }
  rows.push(['TOTAL', ...COLUMNS.map((c) => String(count(records)[c]))]);
  const header = ['spec file', ...COLUMNS];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const body = rows.map(line);
  const firstTotal = body.findIndex((_, i) => rows[i]![0]!.startsWith('TOTAL'));
  body.splice(firstTotal, 0, rule);
  return [line(header), rule, ...body].join('\n');
}

/** The cause part of a failure reason: without the failing step and the values that vary between tests. */
export function reasonKey(reason: string): string {
  return reason
    .replace(/^operation \d+ \([^)]*\): /, '')
    .replace(/^Mongo\w*Error /, '')
    .replace(/\s+/g, ' ')
    .replace(/\{.*\}/, '{…}')
    .replace(/(variable): \w+/, '$1: …')
    .slice(0, 160);
}

/** Failures (unexpected and expected) grouped by cause, most frequent first: a to-do list for the server. */
export function failureGroups(records: TestRecord[]): string {
  const groups = new Map<string, TestRecord[]>();
  for (const record of records) {
    if (record.status !== 'failed' && record.status !== 'expected-fail') continue;
    const key = reasonKey(record.reason ?? 'fails');
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  return [...groups]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([reason, tests]) => {
      const examples = tests.slice(0, 3).map((t) => `${t.file} > ${t.test}`);
      return `${String(tests.length).padStart(3)}  ${reason}\n${examples.map((e) => `       ${e}`).join('\n')}`;
    })
    .join('\n');
}

/** CRUD groups (by spec file name) for the majority-pass thresholds. */
export const CRUD_GROUPS: Record<string, RegExp> = {
  insert: /^crud\/insert(One|Many)/,
  update: /^crud\/(update(One|Many)|replaceOne)/,
  delete: /^crud\/delete(One|Many)/,
  find: /^crud\/find(-|\.json|One\.json)/,
  aggregate: /^crud\/(db-)?aggregate/,
  findAndModify: /^crud\/findOneAnd/,
  count: /^crud\/(count|countDocuments|estimatedDocumentCount)[-.]/,
  distinct: /^crud\/distinct/,
};

export interface PassRate {
  name: string;
  passed: number;
  /** Tests that can run on this deployment: not skipped by their requirements (runner-unsupported included). */
  runnable: number;
  unsupported: number;
}

/** Pass rate among runnable tests; expected failures count as failures, fixed ones as passes. */
export function passRate(name: string, records: TestRecord[]): PassRate {
  const counts = count(records);
  return {
    name,
    passed: counts.passed + counts.fixed,
    runnable: records.length - counts.skipped,
    unsupported: counts.unsupported,
  };
}

export function formatRate(rate: PassRate): string {
  const percent = rate.runnable === 0 ? 'n/a' : `${((100 * rate.passed) / rate.runnable).toFixed(1)}%`;
  return `${rate.name}: ${rate.passed}/${rate.runnable} pass (${percent})${rate.unsupported ? `, ${rate.unsupported} unsupported by the runner` : ''}`;
}

export interface ResultsFile {
  kind: 'embedded' | 'external';
  finishedAt: string;
  records: TestRecord[];
}

export function writeResults(path: string, results: ResultsFile) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
