// `npm run demo`: the demo app on one port. Options: --dev (next dev instead of the production
// build), --port N. Environment: PORT (default 3000), HOST (default 127.0.0.1), MONGODB_URI (a
// replica set; default an embedded in-memory one), DEMO_DB (default 'shop').
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { dev: { type: 'boolean', default: false }, port: { type: 'string' } },
});
const dev = values.dev ?? false;
// React and Next pick their builds from NODE_ENV when first loaded, so set it before importing them.
(process.env as Record<string, string>).NODE_ENV = dev ? 'development' : 'production';
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

async function main(): Promise<void> {
  const { buildNeeded, runNextBuild } = await import('./ensureBuild.js');
  if (!dev) {
    const reason = buildNeeded(dir);
    if (reason) {
      console.log(`Building the Next.js app (${reason}); this takes about a minute…`);
      await runNextBuild(dir);
    }
  }
  const { startDemoServer } = await import('./demoServer.js');
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`Invalid port: ${values.port ?? process.env.PORT}`);
  const server = await startDemoServer({
    dir,
    dev,
    port,
    host: process.env.HOST ?? '127.0.0.1',
    mongoUri: process.env.MONGODB_URI || undefined,
    dbName: process.env.DEMO_DB || 'shop',
  });
  const where = server.embedded ? 'embedded in-memory replica set' : 'MONGODB_URI';
  console.log(`MongoDB: ${where} at ${server.mongoUri}${server.seeded ? ' (sample data added)' : ''}`);
  console.log(`mongo-live demo ready (${dev ? 'development' : 'production'}): ${server.url}`);
  console.log('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log('Forced exit.');
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${signal}: closing the bridge, socket.io, Next.js and MongoDB…`);
    server.close().then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Error while stopping:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`mongo-live demo failed to start: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.DEBUG && error instanceof Error) console.error(error.stack);
  process.exit(1);
});
