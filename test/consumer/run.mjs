#!/usr/bin/env node
// The consumer test: what a user gets from npm. Builds and packs every package, checks each
// tarball (its files, publint, @arethetypeswrong/cli), installs the tarballs into scratch apps
// outside the repository (with mongodb 6 and 7, React 18 and 19, a browser-only app and a Next.js
// App Router app), and there imports ESM and CJS, typechecks strict code under moduleResolution
// bundler and nodenext with skipLibCheck false (and checks a deliberately wrong file fails), runs
// a bridge + client round trip, builds the Next.js app, and runs a component test (vitest, jsdom)
// and a Vite browser build on @mongo-live/client/testing with the `mongodb` driver removed.
//
// node test/consumer/run.mjs [--skip-build] [--only=name,name] [--keep]
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { CHROMIUM_ARGS } from '../support/chromiumArgs.mjs';
import { checkTarball, packAll } from './pack.mjs';
import { run, step, summary } from './steps.mjs';

const root = new URL('../..', import.meta.url).pathname;
const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const keep = args.includes('--keep');
const started = Date.now();

const PACKAGES = ['bson-order', 'protocol', 'client', 'react', 'server-bridge', 'embedded-mongo'];
const common = {
  '@tanstack/react-query': '^5.0.0',
  'socket.io-client': '^4.8.0',
  typescript: '~5.9.0',
  '@types/node': '^20.19.0',
};
const server = { 'socket.io': '^4.8.0' };
const react19 = { react: '^19.0.0', 'react-dom': '^19.0.0', '@types/react': '^19.0.0', '@types/react-dom': '^19.0.0' };
const react18 = { react: '^18.2.0', 'react-dom': '^18.2.0', '@types/react': '^18.2.0', '@types/react-dom': '^18.2.0' };

/** The scratch apps: what each installs and which checks run in it. */
const APPS = [
  {
    name: 'mongodb7-react19',
    packages: PACKAGES,
    deps: { ...common, ...server, ...react19, mongodb: '^7.0.0' },
    kind: 'full',
  },
  // The floor of the peer range, with the oldest React the react package claims.
  {
    name: 'mongodb6-react18',
    packages: PACKAGES,
    deps: { ...common, ...server, ...react18, mongodb: '~6.8.0' },
    kind: 'full',
  },
  // A browser app that never names mongodb: the document types must still not become `any`. It
  // also tests and bundles components on @mongo-live/client/testing, with the driver removed.
  {
    name: 'browser-react19',
    packages: ['bson-order', 'protocol', 'client', 'react'],
    deps: { ...common, ...react19, vitest: '~4.1.0', jsdom: '^29.0.0', vite: '^8.0.0' },
    kind: 'browser',
  },
  {
    name: 'next-app-router',
    packages: ['bson-order', 'protocol', 'client', 'react'],
    deps: { ...common, ...react19, next: '~16.4.0' },
    kind: 'next',
  },
].filter((app) => !only || only.includes(app.name));

const TSCONFIG_BASE = {
  compilerOptions: {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: 'ES2022',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    module: 'ESNext',
    moduleResolution: 'Bundler',
    jsx: 'react-jsx',
    types: ['node'],
  },
};

const scratch = mkdtempSync(join(tmpdir(), 'mongo-live-consumer-'));
console.log(`consumer test in ${scratch}`);

if (!args.includes('--skip-build')) {
  await step('build the packages', () =>
    run('npm', ['run', 'build', ...PACKAGES.flatMap((p) => ['-w', `packages/${p}`])], { cwd: root }),
  );
}
const tarballs = await step('npm pack every package', () => packAll(root, PACKAGES, join(scratch, 'tarballs')));

// Tarball checks and the scratch installs run side by side: the installs wait on the network.
await Promise.all([
  ...PACKAGES.map((name) => step(`tarball ${name}: files, publint, attw`, () => checkTarball(root, tarballs[name]))),
  ...APPS.map((app) => step(`app ${app.name}`, () => runApp(app))),
]);

async function runApp(app) {
  const dir = join(scratch, app.name);
  mkdirSync(dir, { recursive: true });
  const dependencies = { ...app.deps };
  for (const p of app.packages) dependencies[`@mongo-live/${p}`] = `file:${tarballs[p].file}`;
  const pkg = { name: `consumer-${app.name}`, private: true, type: 'module', dependencies };
  if (app.kind === 'next') pkg.scripts = { build: 'next build' };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  cpSync(join(fixtures, 'shared'), dir, { recursive: true });
  if (app.kind === 'full') cpSync(join(fixtures, 'full'), dir, { recursive: true });
  if (app.kind === 'next') cpSync(join(fixtures, 'next'), dir, { recursive: true });
  if (app.kind === 'browser') cpSync(join(fixtures, 'browser'), dir, { recursive: true });
  const log = [];
  const sh = (cmd, cmdArgs, opts = {}) => run(cmd, cmdArgs, { cwd: dir, log, ...opts });
  const t0 = Date.now();
  await sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error']);
  log.push(`  npm install: ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const code = app.kind === 'full' ? ['Products.tsx', 'server.ts'] : ['Products.tsx'];
  if (app.kind === 'next') code.push('app/layout.tsx', 'app/LiveBadge.tsx', 'app/page.tsx');
  if (app.kind === 'browser') code.push('testing.test.ts', 'story.ts');
  // The full apps under both resolutions; the browser and Next apps (what bundlers build) under
  // bundler alone: a strict tsc with skipLibCheck false is the slowest step of this test.
  for (const resolution of app.kind === 'full' ? ['bundler', 'nodenext'] : ['bundler']) {
    await typecheck(dir, resolution, code, sh);
  }
  if (app.kind === 'full') {
    await sh('node', ['imports.mjs']);
    await sh('node', ['imports.cjs']);
    log.push((await sh('node', ['roundtrip.mjs'])).trim().replace(/^/gm, '    '));
  }
  if (app.kind === 'next') {
    await sh('npx', ['next', 'build'], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  }
  if (app.kind === 'browser') await testingEntry(dir, sh, log);
  return log.join('\n');
}

/**
 * @mongo-live/client/testing as stories and component tests use it, where no `mongodb` driver is
 * installed (npm installs the client's peer; it goes here, after the typecheck that reads its
 * types): a vitest + jsdom component test, and a Vite browser build that must need no Node module.
 */
async function testingEntry(dir, sh, log) {
  rmSync(join(dir, 'node_modules', 'mongodb'), { recursive: true, force: true });
  const tests = await sh('npx', ['vitest', 'run', 'testing.test.ts'], {
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  if (!/Tests\s+2 passed/.test(tests)) throw new Error(`vitest on the testing entry:\n${tests}`);
  const build = await sh('npx', ['vite', 'build', '--outDir', 'dist-story']);
  if (/externalized for browser compatibility|mongodb/.test(build))
    throw new Error(`the testing entry's browser bundle reaches for Node or the driver:\n${build}`);
  const shown = await openInChromium(join(dir, 'dist-story'), '#root', 'Azul 36');
  log.push(`    testing entry: vitest (jsdom) 2 passed; Vite bundle without the driver shows "${shown}" in Chromium`);
}

/** Serves `root` on loopback, opens it in Chromium and waits until `selector` reads `text`. */
async function openInChromium(root, selector, text) {
  const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((p) => p && existsSync(p));
  if (!executablePath) throw new Error('no Chromium (set CHROMIUM_PATH): the browser run cannot be checked');
  const types = { '.html': 'text/html', '.js': 'text/javascript' };
  const server = createServer((req, res) => {
    const file = join(root, req.url === '/' ? 'index.html' : (req.url ?? '').split('?')[0]);
    if (!file.startsWith(root) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page
      .locator(selector, { hasText: text })
      .waitFor({ timeout: 30_000 })
      .catch((error) => {
        throw new Error(
          `${selector} never read "${text}" (page errors: ${errors.join('; ') || 'none'}): ${error.message}`,
        );
      });
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return (await page.locator(selector).textContent()) ?? '';
  } finally {
    await browser.close();
    server.close();
  }
}

function tsconfig(dir, resolution, files) {
  const name = `tsconfig.${resolution}.json`;
  const base = JSON.parse(JSON.stringify(TSCONFIG_BASE));
  if (resolution === 'nodenext')
    Object.assign(base.compilerOptions, { module: 'NodeNext', moduleResolution: 'NodeNext' });
  writeFileSync(join(dir, name), JSON.stringify({ ...base, files }, null, 2));
  return name;
}

/**
 * One tsc run per resolution: the app's files and wrong.tsx together. It must fail on exactly the
 * wrong file's two marked lines, and nowhere else (so the app's own files compile).
 */
async function typecheck(dir, resolution, files, sh) {
  const out = await sh('npx', ['tsc', '-p', tsconfig(dir, resolution, [...files, 'wrong.tsx'])], {
    expectFailure: true,
  });
  const errors = out.split('\n').filter((l) => /error TS\d+/.test(l));
  const expected = [/^wrong\.tsx\(8,\d+\): error TS2322/, /^wrong\.tsx\(9,\d+\): error TS2322/];
  const ok = errors.length === 2 && expected.every((re) => errors.some((e) => re.test(e)));
  if (!ok) throw new Error(`tsc (${resolution}) on wrong.tsx: expected the two marked errors, got:\n${out}`);
}

const failed = summary(Date.now() - started);
if (!keep && !failed) rmSync(scratch, { recursive: true, force: true });
else console.log(`scratch apps kept in ${scratch}`);
process.exit(failed ? 1 : 0);
