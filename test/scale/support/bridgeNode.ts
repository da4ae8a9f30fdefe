// One bridge node as an app runs it: an HTTP server, socket.io and createBridge on a shared MongoDB,
// in its own process. Started by the scale tests, the nginx e2e test and `npm run bench -- --only=scale`
// (always with tsx, from the repo root). Prints `LISTENING <port>` once it serves; answers
// `{"cmd":"stats"}` on stdin with `STATS <json>`; SIGTERM closes it gracefully (exit 0).
//
// Environment: MONGODB_URI (required), NODE_NAME, TRANSPORTS ('websocket' or 'polling,websocket'),
// DRAIN_MS (grace period of a SIGTERM close; 0: close at once), STATIC_DIR (files served at /).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { createInterface } from 'node:readline';
import { DEFAULT_NAMESPACE } from '@mongo-live/protocol';
import { allowAll, createBridge } from '@mongo-live/server-bridge';
import { MongoClient } from 'mongodb';
import { Server } from 'socket.io';

const uri = process.env.MONGODB_URI;
if (!uri) throw new Error('bridgeNode: MONGODB_URI is required');
const name = process.env.NODE_NAME ?? `node-${process.pid}`;
const transports = (process.env.TRANSPORTS ?? 'polling,websocket').split(',') as Array<'polling' | 'websocket'>;
const drainMs = Number(process.env.DRAIN_MS ?? 0);
const staticDir = process.env.STATIC_DIR;

let changeStreamAggregates = 0;
const mongo = new MongoClient(uri, { monitorCommands: true, appName: `mongo-live-${name}` });
mongo.on('commandStarted', (event) => {
  if (event.commandName === 'aggregate' && event.command.pipeline?.[0]?.$changeStream) changeStreamAggregates++;
});
await mongo.connect();

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
const http = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path === '/node') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
    return;
  }
  if (staticDir) {
    const file = normalize(join(staticDir, path === '/' ? 'index.html' : path));
    if (file.startsWith(staticDir)) {
      const body = await readFile(file).catch(() => undefined);
      if (body) {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
        return;
      }
    }
  }
  res.writeHead(404).end();
});
const io = new Server(http, { transports });
// Which node served a socket: the page and the tests show it.
io.engine.on('initial_headers', (headers: Record<string, string>) => {
  headers['x-bridge-node'] = name;
});
const bridge = createBridge({ io, mongo, authorize: allowAll });

await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
process.stdout.write(`LISTENING ${(http.address() as AddressInfo).port}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line) as { cmd: string };
  if (message.cmd === 'stats') {
    const clients = [...io.of(DEFAULT_NAMESPACE).sockets.values()].map((s) => String(s.handshake.query.client));
    const stats = { name, ...bridge.stats(), changeStreamAggregates, clients, cpu: process.cpuUsage() };
    process.stdout.write(`STATS ${JSON.stringify(stats)}\n`);
  }
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    // The deploy procedure: stop accepting connections (the load balancer sends new ones
    // elsewhere), drain (clients move, then the bridge closes), close socket.io and MongoDB.
    http.close();
    await bridge.close({ drain: drainMs });
    io.close();
    http.closeAllConnections();
    await mongo.close();
    process.exit(0);
  })();
});
