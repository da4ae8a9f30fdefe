// Child process of the fan-out bench: opens N socket.io-client sockets to the bridge, subscribes
// each to the same change stream, and reports for every event when the last socket received it.
// Protocol on stdio: argv = url count db coll; prints `READY`, then `ARRIVAL <seq> <firstMs> <lastMs>`.
// `url` may be a comma-separated list (several bridge processes): sockets are spread over them in turn.
import { type ChangeBatch, decode, PROTOCOL_VERSION } from '@mongo-live/protocol';
import { io, type Socket } from 'socket.io-client';

const [urlList, countText, db, collection] = process.argv.slice(2) as [string, string, string, string];
const urls = urlList.split(',');
const count = Number(countText);
const wallMs = () => performance.timeOrigin + performance.now();
const arrivals = new Map<number, { first: number; last: number; n: number }>();
const sockets: Socket[] = [];

function onBatch(batch: ChangeBatch) {
  const t = wallMs();
  for (const raw of batch.events) {
    const event = decode<{ fullDocument?: { seq?: number } }>(raw);
    const seq = event.fullDocument?.seq;
    if (typeof seq !== 'number') continue;
    const a = arrivals.get(seq) ?? { first: t, last: t, n: 0 };
    a.last = t;
    a.n += 1;
    arrivals.set(seq, a);
    if (a.n === count) {
      process.stdout.write(`ARRIVAL ${seq} ${a.first} ${a.last}\n`);
      arrivals.delete(seq);
    }
  }
}

const opening: Promise<void>[] = [];
for (let i = 0; i < count; i++) {
  const socket = io(`${urls[i % urls.length]}/mongo-live`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  socket.on('change', onBatch);
  opening.push(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => {
        socket.emit(
          'watch',
          { v: PROTOCOL_VERSION, subId: 's', target: { db, collection } },
          (res: { ok: boolean; error?: unknown }) =>
            res.ok ? resolve() : reject(new Error(JSON.stringify(res.error))),
        );
      });
      socket.once('connect_error', reject);
    }),
  );
  // Connect in waves so the server is not hit by thousands of handshakes at once.
  if (i % 200 === 199) await Promise.all(opening.slice(-200));
}
await Promise.all(opening);
process.stdout.write('READY\n');
process.on('SIGTERM', () => {
  for (const s of sockets) s.close();
  process.exit(0);
});
