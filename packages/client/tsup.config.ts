import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

const engineSource = fileURLToPath(new URL('../server-bridge/src/engine.ts', import.meta.url));
const engineBson = fileURLToPath(new URL('./src/testing/engineBson.ts', import.meta.url));
const bridgeSources = fileURLToPath(new URL('../server-bridge/src/', import.meta.url));

/**
 * `@mongo-live/client/testing` runs the bridge's own live-query engine (one implementation of the
 * query semantics), so its build bundles the engine's sources from ../server-bridge, with the
 * engine's one BSON module (driverBson.ts, the `mongodb` driver's BSON) bound to `bson` instead:
 * the published testing entry loads in a browser and in node without the driver.
 */
const bundleTheEngine: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'bundle-the-live-query-engine',
  setup(build) {
    build.onResolve({ filter: /^@mongo-live\/server-bridge\/engine$/ }, () => ({ path: engineSource }));
    build.onResolve({ filter: /\/driverBson\.js$/ }, (args) =>
      args.importer.startsWith(bridgeSources) ? { path: engineBson } : undefined,
    );
  },
};

export default defineConfig({
  ...libraryBuild,
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
  // One copy of the shared modules (LiveClient, LiveError…) for both entries, in CJS too, so that
  // `instanceof LiveError` holds across `@mongo-live/client` and `@mongo-live/client/testing`.
  splitting: true,
  esbuildPlugins: [bundleTheEngine],
});
