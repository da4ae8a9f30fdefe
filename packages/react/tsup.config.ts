import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

export default defineConfig({
  ...libraryBuild,
  entry: ['src/index.ts'],
  // Everything here is hooks, context and providers: a client module for React Server Components
  // (Next.js App Router), so a server layout.tsx can render <LiveProvider> directly. esbuild drops
  // module directives when it bundles, hence the banner.
  banner: { js: "'use client';" },
});
