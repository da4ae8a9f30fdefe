#!/usr/bin/env node
// `npm run demo [-- --dev] [-- --port N]`: the example app (examples/next-app) in this process, so
// Ctrl-C reaches exactly one server. tsx compiles the TypeScript sources on the fly, resolving the
// workspace packages to their sources through the example's tsconfig `paths`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const example = fileURLToPath(new URL('../examples/next-app/', import.meta.url));
const start = `${example}server/start.ts`;

if (!existsSync(start)) {
  console.error('mongo-live demo: examples/next-app/server/start.ts is missing.');
  process.exit(1);
}

register({ tsconfig: `${example}tsconfig.json` });
await import(start);
