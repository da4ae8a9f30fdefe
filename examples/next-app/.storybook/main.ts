import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/react-vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const app = path.join(here, '..');
const packages = path.join(app, '..', '..', 'packages');

// The workspace packages from their TypeScript sources, as in the tests and the Next build.
const entries: Record<string, string> = {
  '@mongo-live/bson-order': 'bson-order/src/index.ts',
  '@mongo-live/protocol': 'protocol/src/index.ts',
  '@mongo-live/server-bridge/engine': 'server-bridge/src/engine.ts',
  '@mongo-live/client/testing': 'client/src/testing/index.ts',
  '@mongo-live/client': 'client/src/index.ts',
  '@mongo-live/react': 'react/src/index.ts',
};

/**
 * The example app's components, live on the in-memory testing client (`@mongo-live/client/testing`):
 * `npm run storybook` serves them, `npm run build-storybook` writes a static site to
 * `examples/next-app/storybook-static` (opened by test/storybook in Chromium).
 */
const config: StorybookConfig = {
  framework: { name: '@storybook/react-vite', options: {} },
  stories: ['../stories/**/*.stories.tsx'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  typescript: { reactDocgen: false },
  async viteFinal(vite) {
    const alias = [
      ...Object.entries(entries).map(([name, file]) => ({
        find: new RegExp(`^${name.replace(/\//g, '\\/')}$`),
        replacement: path.join(packages, file),
      })),
      { find: /^@\/(.*)$/, replacement: `${app}/$1` },
      // The live-query engine reaches BSON through the bridge's driverBson.ts (the `mongodb`
      // driver's); in the browser it is bound to `bson`, as in the published testing build.
      { find: /^(\.\.?\/)+driverBson\.js$/, replacement: path.join(packages, 'client/src/testing/engineBson.ts') },
    ];
    const onwarn = vite.build?.rollupOptions?.onwarn;
    return {
      ...vite,
      build: {
        ...vite.build,
        rollupOptions: {
          ...vite.build?.rollupOptions,
          // 'use client' marks React Server Components boundaries; a browser-only bundle has none.
          onwarn(warning, warn) {
            if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
            if (onwarn) onwarn(warning, warn);
            else warn(warning);
          },
        },
      },
      resolve: {
        ...vite.resolve,
        alias: [...(Array.isArray(vite.resolve?.alias) ? vite.resolve.alias : []), ...alias],
        // The packages import `./x.js` for `x.ts`.
        extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
      },
    };
  },
};

export default config;
