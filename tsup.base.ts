import type { Options } from 'tsup';

/**
 * What every library package of the repository builds alike: ESM and CJS with their type
 * declarations (dts without project references) and source maps, from the package's
 * tsconfig.build.json. A package's tsup.config.ts adds its entries and what is its own.
 *
 * @example
 * export default defineConfig({ ...libraryBuild, entry: ['src/index.ts'] });
 */
export const libraryBuild = {
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { composite: false } },
  tsconfig: 'tsconfig.build.json',
  clean: true,
  sourcemap: true,
} satisfies Options;
