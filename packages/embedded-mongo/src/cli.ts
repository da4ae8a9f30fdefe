import { parseArgs } from 'node:util';
import { EmbeddedMongo } from './EmbeddedMongo.js';

const USAGE = `Usage: mongo-live-embedded [--port 27017] [--host 127.0.0.1] [--replSet rs0] [--noopIntervalMS 10000]

Starts an in-memory MongoDB-compatible single-node replica set (for tests and demos only;
data is lost on exit), prints its connection string and serves until SIGINT/SIGTERM.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '27017' },
      host: { type: 'string', default: '127.0.0.1' },
      replSet: { type: 'string', default: 'rs0' },
      noopIntervalMS: { type: 'string', default: '10000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid --port ${values.port}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const noopIntervalMS = Number(values.noopIntervalMS);
  if (!Number.isInteger(noopIntervalMS) || noopIntervalMS < 0) {
    console.error(`Invalid --noopIntervalMS ${values.noopIntervalMS}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const server = await EmbeddedMongo.start({ port, host: values.host, replSetName: values.replSet, noopIntervalMS });
  console.log(server.uri);
  const shutdown = () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
