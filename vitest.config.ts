import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources: no build step before `npm test`.
const src = (file: string) => fileURLToPath(new URL(`./packages/${file}`, import.meta.url));
const entries: Record<string, string> = {
  '@mongo-live/bson-order': src('bson-order/src/index.ts'),
  '@mongo-live/protocol': src('protocol/src/index.ts'),
  '@mongo-live/embedded-mongo': src('embedded-mongo/src/index.ts'),
  '@mongo-live/server-bridge/engine': src('server-bridge/src/engine.ts'),
  '@mongo-live/server-bridge': src('server-bridge/src/index.ts'),
  '@mongo-live/client/testing': src('client/src/testing/index.ts'),
  '@mongo-live/client': src('client/src/index.ts'),
  '@mongo-live/react': src('react/src/index.ts'),
};
// Exact names only: '@mongo-live/client' must not capture '@mongo-live/client/testing'.
const alias = [
  ...Object.entries(entries).map(([name, file]) => ({
    find: new RegExp(`^${name.replace(/[/]/g, '\\/')}$`),
    replacement: file,
  })),
  // The example app's own `@/` imports (its components are tested in test/example).
  { find: /^@\/(.*)$/, replacement: `${fileURLToPath(new URL('./examples/next-app/', import.meta.url))}$1` },
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          environment: 'node',
          include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
          // test/consumer/fixtures run inside the consumer test's own installed project, not here.
          exclude: [
            'test/conformance/**',
            'test/e2e/**',
            'test/scale/**',
            'test/consumer/fixtures/**',
            '**/node_modules/**',
          ],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'react',
          environment: 'jsdom',
          include: ['packages/*/src/**/*.test.tsx', 'test/**/*.test.tsx'],
          setupFiles: ['test/support/reactSetup.ts'],
          exclude: ['test/e2e/**', 'test/consumer/fixtures/**', '**/node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'conformance',
          environment: 'node',
          include: ['test/conformance/**/*.test.ts'],
          // On a shared real deployment (MONGODB_URI), a client-wide change stream of one file would
          // see the writes of another: run the spec files one after the other.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'scale',
          environment: 'node',
          // Each file runs several bridge processes and a database: one file at a time, so they
          // neither starve each other nor the other tests of the 2 cores.
          include: ['test/scale/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
