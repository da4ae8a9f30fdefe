import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { composite: false } },
  tsconfig: 'tsconfig.build.json',
  clean: true,
  sourcemap: true,
  // Everything here is hooks, context and providers: a client module for React Server Components
  // (Next.js App Router), so a server layout.tsx can render <LiveProvider> directly. esbuild drops
  // module directives when it bundles, hence the banner.
  banner: { js: "'use client';" },
});
