import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.join(here, '..', '..');
const packages = ['bson-order', 'protocol', 'client', 'react', 'server-bridge', 'embedded-mongo'] as const;

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: packages.map((name) => `@mongo-live/${name}`),
  // The driver is loaded by Node at runtime, never bundled.
  serverExternalPackages: ['mongodb'],
  // Type checking is `tsc`'s job (root typecheck); skipping it here keeps the build short.
  typescript: { ignoreBuildErrors: true },
  // Built with webpack (`next build --webpack`): the packages' sources import `./x.js` for `x.ts`,
  // which Turbopack cannot resolve yet (vercel/next.js#82945). The aliases compile the workspace
  // packages from their TypeScript sources, so the demo needs no package build step.
  // The demo runs from this directory with the repository's node_modules; tracing files for a
  // standalone deployment is wasted build time.
  outputFileTracingExcludes: { '*': ['**/*'] },
  webpack(config) {
    config.resolve.alias = {
      ...config.resolve.alias,
      ...Object.fromEntries(
        packages.map((name) => [`@mongo-live/${name}$`, path.join(repoRoot, 'packages', name, 'src', 'index.ts')]),
      ),
    };
    config.resolve.extensionAlias = { '.js': ['.ts', '.tsx', '.js'] };
    return config;
  },
};

export default nextConfig;
