// mongo-live on every core of one machine: Node's cluster module runs WORKERS bridge processes on
// one port; the primary hands each new TCP connection to the next worker (round-robin), so
// socket.io runs websocket-only (a polling session's requests would land on different workers).
// Every worker serves its own sockets straight from MongoDB: no socket.io adapter is needed.
//
//   npx tsx examples/cluster/server.ts                    # embedded MongoDB, one worker per core
//   MONGODB_URI=mongodb://… WORKERS=4 PORT=3100 npx tsx examples/cluster/server.ts
//   kill -HUP <primary pid>                               # rolling restart, nothing lost
//
// Prints `cluster ready: http://127.0.0.1:<port> (<n> workers, primary <pid>)` and, after each
// rolling restart, `rolling restart done`. SIGTERM/SIGINT drain every worker and exit.
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { allowAll, createBridge } from '@mongo-live/server-bridge';
import { MongoClient } from 'mongodb';
import { Server } from 'socket.io';

const WORKERS = Number(process.env.WORKERS ?? availableParallelism());
const PORT = Number(process.env.PORT ?? 3100);
/** How long a stopping worker keeps serving its clients while they move to the others. */
const DRAIN_MS = Number(process.env.DRAIN_MS ?? 10_000);

if (cluster.isPrimary) await runPrimary();
else await runWorker();

async function runPrimary(): Promise<void> {
  let stopDatabase = async (): Promise<void> => undefined;
  if (!process.env.MONGODB_URI) {
    const { EmbeddedMongo } = await import('@mongo-live/embedded-mongo');
    const embedded = await EmbeddedMongo.start();
    process.env.MONGODB_URI = embedded.uri; // the workers inherit it
    stopDatabase = () => embedded.stop();
  }
  let stopping = false;
  const fork = () =>
    new Promise<{ worker: Worker; port: number }>((resolve) => {
      const worker = cluster.fork();
      worker.once('listening', (address: { port: number }) => resolve({ worker, port: address.port }));
      worker.once('exit', (code, signal) => {
        // A worker that crashed is replaced; one we stopped is replaced by whoever stopped it.
        if (!stopping && !(worker as Worker & { retiring?: boolean }).retiring) {
          console.error(`worker ${worker.process.pid} died (${signal ?? code}); starting another`);
          void fork();
        }
      });
    });
  const retire = (worker: Worker) =>
    new Promise<void>((resolve) => {
      (worker as Worker & { retiring?: boolean }).retiring = true;
      worker.once('exit', () => resolve());
      worker.process.kill('SIGTERM');
    });

  const started = await Promise.all(Array.from({ length: WORKERS }, fork));
  console.log(`cluster ready: http://127.0.0.1:${started[0]?.port} (${WORKERS} workers, primary ${process.pid})`);

  let rolling = false;
  process.on('SIGHUP', () => {
    if (rolling || stopping) return;
    rolling = true;
    void (async () => {
      // One worker at a time: its replacement listens first, then it drains (its clients resume on
      // the others) and exits. Capacity never drops by more than one worker.
      for (const worker of Object.values(cluster.workers ?? {})) {
        if (!worker || (worker as Worker & { retiring?: boolean }).retiring) continue;
        await fork();
        await retire(worker);
      }
      rolling = false;
      console.log('rolling restart done');
    })();
  });
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    void Promise.all(Object.values(cluster.workers ?? {}).map((w) => w && retire(w)))
      .then(stopDatabase)
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

async function runWorker(): Promise<void> {
  const mongo = await new MongoClient(process.env.MONGODB_URI as string).connect();
  const http = createServer();
  // websocket-only: the cluster's round-robin does not keep a client on one worker.
  const io = new Server(http, { transports: ['websocket'] });
  // Replace allowAll with your authorization (see docs/deployment.md and the bridge README).
  const bridge = createBridge({ io, mongo, authorize: allowAll });
  await new Promise<void>((resolve) => http.listen(PORT, resolve));
  const port = (http.address() as AddressInfo).port;
  console.log(`worker ${process.pid} serving on ${port}`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      http.close(); // no new connections for this worker: the primary sends them to the others
      await bridge.close({ drain: DRAIN_MS }); // clients told `closing`, served until they moved
      io.close();
      await mongo.close();
      process.exit(0);
    })();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', () => undefined); // Ctrl-C reaches the whole group: the primary decides
}
