// Child process of the feed-overhead bench: ONE consumer of a collection's inserts, in its own
// process, as an app's would be. argv = mode target db coll, with mode 'bridge' (target: the
// bridge's URL; @mongo-live/client over socket.io-client), 'driver' (target: MongoDB URI; the
// driver's own watch()) or 'relay' (target: the URL of the bench's raw relay, which emits each
// event of its own driver watch() as it is, plain JSON, on a bare socket.io namespace: the cost of
// one more process hop, with nothing of mongo-live in it). Prints `READY` once subscribed (after a warm-up event with seq -1 went
// through), then on the stdin message "report" (a JSON line) prints `ARRIVALS <json [seq, ms][]>`. Times come from
// process.hrtime (CLOCK_MONOTONIC), the same clock in every process of the machine.
import { createInterface } from 'node:readline';
import { createLiveClient } from '@mongo-live/client';
import { type Document, MongoClient } from 'mongodb';
import { io } from 'socket.io-client';

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
  const client = await new MongoClient(target).connect();
  const stream = client.db(db).collection(collection).watch();
  stream.on('error', () => undefined);
  stream.on('change', (e) => {
    if (e.operationType === 'insert') onInsert(e.fullDocument);
  });
  close = () => client.close();
}
process.stdout.write('SUBSCRIBED\n');
await warm;
process.stdout.write('READY\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === JSON.stringify('report')) process.stdout.write(`ARRIVALS ${JSON.stringify(arrivals)}\n`);
});
process.on('SIGTERM', () => void close().finally(() => process.exit(0)));
