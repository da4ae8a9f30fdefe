// Packing and checking the tarballs users download.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './steps.mjs';

/** What a tarball may hold: the build, the manifest, the README and the LICENSE. Nothing else. */
const ALLOWED = /^(package\.json|README\.md|LICENSE|dist\/.+\.(js|cjs|d\.ts|d\.cts|map))$/;
const REQUIRED = [
  'package.json',
  'README.md',
  'LICENSE',
  'dist/index.js',
  'dist/index.cjs',
  'dist/index.d.ts',
  'dist/index.d.cts',
];

/** `npm pack`s every built package into `dest` (no prepare: built before); returns { name: { file, files } }. */
export async function packAll(root, packages, dest) {
  mkdirSync(dest, { recursive: true });
  const out = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', dest, ...packages.map((p) => `./packages/${p}`)],
    {
      cwd: root,
    },
  );
  const reports = JSON.parse(out.slice(out.indexOf('[')));
  const tarballs = {};
  for (const [i, p] of packages.entries()) {
    const report = reports[i];
    tarballs[p] = { file: join(dest, report.filename), files: report.files.map((f) => f.path), size: report.size };
  }
  return tarballs;
}

/** The tarball holds only what users need, and publint and attw find nothing. */
export async function checkTarball(root, tarball) {
  const stray = tarball.files.filter((f) => !ALLOWED.test(f) || /\.test\./.test(f));
  if (stray.length) throw new Error(`files users do not need: ${stray.join(', ')}`);
  const missing = REQUIRED.filter((f) => !tarball.files.includes(f));
  if (missing.length) throw new Error(`missing: ${missing.join(', ')}`);
  const lint = await run('npx', ['publint', 'run', tarball.file, '--strict'], { cwd: root });
  if (!/All good/.test(lint)) throw new Error(`publint:\n${lint}`);
  await run('npx', ['attw', tarball.file, '--format', 'ascii'], { cwd: root });
  return `  ${tarball.files.length} files, ${(tarball.size / 1024).toFixed(0)} KiB packed`;
}
