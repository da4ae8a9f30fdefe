#!/usr/bin/env node
// `npm run demo`: builds what the example needs and starts it. Until the example exists it
// says so plainly instead of failing with a stack trace.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const example = new URL('../examples/next-app/', import.meta.url).pathname;

if (!existsSync(`${example}package.json`)) {
  console.log('mongo-live demo: the example app (examples/next-app) is not built yet.');
  console.log('Run `npm test` to exercise what exists so far.');
  process.exit(1);
}

const child = spawn('npm', ['run', 'demo', '--workspace', 'examples/next-app'], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
