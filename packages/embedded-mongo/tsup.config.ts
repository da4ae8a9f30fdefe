import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { composite: false } },
    tsconfig: 'tsconfig.build.json',
    clean: true,
    sourcemap: true,
  },
  {
    // The CLI: one ESM file with a shebang, as package.json's bin expects (dist/cli.js).
    entry: ['src/cli.ts'],
    format: ['esm'],
    tsconfig: 'tsconfig.build.json',
    sourcemap: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
