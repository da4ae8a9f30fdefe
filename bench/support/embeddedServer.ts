// Runs an EmbeddedMongo in its own process, so the database's work does not share the
// measured process's event loop. Prints `URI <uri>` and serves until killed.
import { EmbeddedMongo } from '@mongo-live/embedded-mongo';

const server = await EmbeddedMongo.start();
process.stdout.write(`URI ${server.uri}\n`);
const stop = () => void server.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
