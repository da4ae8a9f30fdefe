// Finding and reading MongoDB's unified spec test files (never copied into the repository).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EJSON } from 'bson';
import type { SpecFile } from './types.js';

export const SUITES = ['change-streams', 'crud'] as const;
export type Suite = (typeof SUITES)[number];

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the spec tests are looked for: `MONGO_LIVE_SPEC_TESTS` (relative to the repository root), else `../shared/spec-tests`. */
export function specDirCandidate(): string {
  const configured = process.env.MONGO_LIVE_SPEC_TESTS;
  if (!configured) return resolve(repoRoot, '../shared/spec-tests');
  return isAbsolute(configured) ? configured : resolve(repoRoot, configured);
}

/** The spec test folder, or undefined when it holds none of the suites. */
export function resolveSpecDir(): string | undefined {
  const dir = specDirCandidate();
  return SUITES.some((suite) => existsSync(join(dir, suite))) ? dir : undefined;
}

export interface LoadedSpecFile {
  suite: Suite;
  /** e.g. 'crud/find.json': the key used in reports and the expected-failures list. */
  key: string;
  spec: SpecFile;
}

/** The runner understands schema 1.x up to this minor version. */
const SUPPORTED_SCHEMA = [1, 28];

export function schemaSupported(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major === SUPPORTED_SCHEMA[0] && minor <= SUPPORTED_SCHEMA[1]!;
}

export function loadSpecFiles(dir: string): LoadedSpecFile[] {
  const files: LoadedSpecFile[] = [];
  for (const suite of SUITES) {
    const suiteDir = join(dir, suite);
    if (!existsSync(suiteDir)) continue;
    for (const name of readdirSync(suiteDir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      // The format mandates an Extended JSON parser (relaxed: numbers stay JS numbers).
      const spec = EJSON.parse(readFileSync(join(suiteDir, name), 'utf8'), { relaxed: true }) as SpecFile;
      files.push({ suite, key: `${suite}/${name}`, spec });
    }
  }
  return files;
}
