// MongoDB's own unified-format spec tests (change streams, CRUD) against the test deployment:
// one describe per spec file (with its own server), one test per spec test, then the pass-rate thresholds.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { expectedFailures } from './expected-failures.js';
import {
  CRUD_GROUPS,
  failureGroups,
  formatRate,
  passRate,
  type RecordStatus,
  summaryTable,
  type TestRecord,
  writeResults,
} from './runner/report.js';
import { readDeploymentInfo } from './runner/requirements.js';
import { type RunnerEnv, runSpecTest } from './runner/runTest.js';
import { loadSpecFiles, resolveSpecDir, specDirCandidate } from './runner/specFiles.js';

const specDir = resolveSpecDir();
const files = specDir ? loadSpecFiles(specDir) : [];
const external = Boolean(process.env.MONGODB_URI);
// Server entries describe the embedded server only (a real server must pass everything it can run);
// driver entries hold everywhere.
const knownFailures = new Map(
  expectedFailures.filter((f) => !external || f.cause === 'driver').map((f) => [`${f.file}\u0000${f.test}`, f]),
);
const iterateTimeoutMS = Number(process.env.CONFORMANCE_ITERATE_TIMEOUT_MS ?? 3_000);
const resultsPath = join(fileURLToPath(new URL('../../.tmp/', import.meta.url)), 'conformance-results.json');
const records: TestRecord[] = [];

if (!specDir) {
  console.warn(
    `conformance: skipped: no spec tests (change-streams/, crud/) in ${specDirCandidate()}; ` +
      'set MONGO_LIVE_SPEC_TESTS to the folder holding them (default ../shared/spec-tests from the repository root)',
  );
}

describe.skipIf(!specDir)('MongoDB unified spec tests', () => {
  for (const file of files) {
    describe(file.key, () => {
      let mongo: TestMongo | undefined;
      let env: RunnerEnv | undefined;
      beforeAll(async () => {
        mongo = await startTestMongo({ dbPrefix: 'conformance' });
        env = {
          uri: mongo.uri,
          internal: mongo.client,
          info: await readDeploymentInfo(mongo.client),
          iterateTimeoutMS,
        };
      });
      afterAll(async () => {
        await mongo?.close();
      });

      for (const test of file.spec.tests) {
        it(test.description, async (ctx) => {
          if (!env) throw new Error('no deployment (beforeAll failed)');
          const outcome = await runSpecTest(file.spec, test, env);
          const known = knownFailures.get(`${file.key}\u0000${test.description}`);
          const record = (status: RecordStatus, reason?: string) =>
            records.push({ suite: file.suite, file: file.key, test: test.description, status, reason });
          if (outcome.status === 'skipped' || outcome.status === 'unsupported') {
            record(outcome.status, outcome.reason);
            ctx.skip(outcome.reason);
            return;
          }
          if (outcome.status === 'passed') {
            if (known) {
              record('fixed', known.reason);
              throw new Error(
                `now passes: remove it from test/conformance/expected-failures.ts (listed as: ${known.reason})`,
              );
            }
            record('passed');
            return;
          }
          if (known) {
            record('expected-fail', outcome.reason);
            return;
          }
          record('failed', outcome.reason);
          throw new Error(outcome.reason);
        });
      }
    });
  }

  describe('pass-rate thresholds', () => {
    // Tests the Node.js driver fails on every deployment (expected failures with cause 'driver')
    // say nothing about the server: the thresholds leave them out, and print both rates.
    const driverCaused = (r: TestRecord) => knownFailures.get(`${r.file}\u0000${r.test}`)?.cause === 'driver';
    const serverRate = (name: string, suite: TestRecord[]) => {
      const all = passRate(name, suite);
      const rate = passRate(
        `${name} (driver deviations aside)`,
        suite.filter((r) => !driverCaused(r)),
      );
      console.log(`${formatRate(all)}\n${formatRate(rate)}`);
      expect(rate.runnable, `no ${name} test ran`).toBeGreaterThan(0);
      expect(rate.passed / rate.runnable, formatRate(rate)).toBeGreaterThanOrEqual(0.98);
    };

    it('at least 98 % of the change-stream tests runnable here pass', () => {
      serverRate(
        'change streams',
        records.filter((r) => r.suite === 'change-streams'),
      );
    });

    it('at least 98 % of the CRUD tests runnable here pass', () => {
      serverRate(
        'CRUD',
        records.filter((r) => r.suite === 'crud'),
      );
    });

    for (const [group, pattern] of Object.entries(CRUD_GROUPS)) {
      it(`a majority of the runnable CRUD ${group} tests pass`, () => {
        const rate = passRate(
          `CRUD ${group}`,
          records.filter((r) => pattern.test(r.file)),
        );
        console.log(formatRate(rate));
        expect(rate.runnable, `no CRUD ${group} test ran`).toBeGreaterThan(0);
        expect(rate.passed, formatRate(rate)).toBeGreaterThan(rate.runnable / 2);
      });
    }
  });

  afterAll(() => {
    const deployment = external ? 'MONGODB_URI' : 'embedded server';
    console.log(`\nConformance (${deployment}):\n${summaryTable(records)}\n`);
    const groups = failureGroups(records);
    if (groups) console.log(`Failing tests by reason (expected failures included):\n${groups}\n`);
    writeResults(resultsPath, {
      kind: external ? 'external' : 'embedded',
      finishedAt: new Date().toISOString(),
      records,
    });
  });
});
