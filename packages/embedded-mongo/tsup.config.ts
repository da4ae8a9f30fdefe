import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

export default defineConfig([
  { ...libraryBuild, entry: ['src/index.ts'] },
  {
    // The CLI: one ESM file with a shebang, as package.json's bin expects (dist/cli.js).
    entry: ['src/cli.ts'],
    format: ['esm'],
    tsconfig: 'tsconfig.build.json',
    sourcemap: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
