// Child process of the feed-overhead bench: ONE consumer of a collection's inserts, in its own
// process, as an app's would be. argv = mode target db coll, with mode
// - 'driver' (target: MongoDB URI): the driver's own watch(). It also relays each event, as it is
//   (plain JSON), on a bare socket.io server of its own, and prints `RELAY <url>`.
// - 'relay' (target: that URL): receives the driver consumer's relayed events. Its arrival minus
//   the driver consumer's is exactly one more process hop over socket.io, from the same stream.
// - 'bridge' (target: the bridge's URL): @mongo-live/client over socket.io-client.
// Prints `READY` once subscribed (after a warm-up event with seq -1 went through), then on the
// stdin message "report" (a JSON line) prints `ARRIVALS <json [seq, ms][]>` and, for 'driver',
// `REPLIES <json [seq, ms][]>`: when the getMore reply holding each event reached this process. Times come from
// process.hrtime (CLOCK_MONOTONIC), the same clock in every process of the machine.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { createLiveClient } from '@mongo-live/client';
import { type Document, MongoClient } from 'mongodb';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { recordReplyTimes } from './replyTimes.js';

const [mode, target, db, collection] = process.argv.slice(2) as ['bridge' | 'driver' | 'relay', string, string, string];
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const arrivals: Array<[number, number]> = [];
let warmed!: () => void;
const warm = new Promise<void>((resolve) => {
  warmed = resolve;
});
const onInsert = (doc: Document | undefined) => {
  const t = nowMs();
  const seq = doc?.seq;
  if (typeof seq !== 'number') return;
  if (seq === -1) warmed();
  else arrivals.push([seq, t]);
};

let replies = new Map<number, number>();
let close: () => Promise<void>;
if (mode === 'bridge') {
  const live = createLiveClient({ url: target, socketOptions: { transports: ['websocket'] } });
  const stream = live.db(db).collection(collection).watch();
  stream.on('change', (e) => {
    if (e.operationType === 'insert') onInsert(e.fullDocument as Document);
  });
  await stream.ready();
  close = () => live.close();
} else if (mode === 'relay') {
  const socket = io(target, { transports: ['websocket'] });
  socket.on('change', (e: Document) => {
    if (e.operationType === 'insert') onInsert(e.fullDocument as Document);
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  close = async () => {
    socket.close();
  };
} else {
  const http = createServer();
  const relay = new Server(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`RELAY http://127.0.0.1:${(http.address() as AddressInfo).port}\n`);
  const client = await new MongoClient(target, { monitorCommands: true }).connect();
  replies = recordReplyTimes(client);
  const stream = client.db(db).collection(collection).watch();
  stream.on('error', () => undefined);
  stream.on('change', (e) => {
    if (e.operationType !== 'insert') return;
    onInsert(e.fullDocument);
    relay.emit('change', e);
  });
  close = async () => {
    relay.close();
    await client.close();
  };
}
process.stdout.write('SUBSCRIBED\n');
await warm;
process.stdout.write('READY\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== JSON.stringify('report')) return;
  process.stdout.write(`REPLIES ${JSON.stringify([...replies])}\n`);
  process.stdout.write(`ARRIVALS ${JSON.stringify(arrivals)}\n`);
});
process.on('SIGTERM', () => void close().finally(() => process.exit(0)));
