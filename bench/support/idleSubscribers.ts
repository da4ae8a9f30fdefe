// Child process of the memory bench: opens `sockets` sockets and, on request, `perSocket` idle
// watch subscriptions on each (distinct subIds, same stream). argv = url sockets db coll.
// stdin: `{"subscribe": n}` → prints `SUBSCRIBED <total>`; prints `READY` once connected.
import { createInterface } from 'node:readline';
import { PROTOCOL_VERSION } from '@mongo-live/protocol';
import { io, type Socket } from 'socket.io-client';

const [url, countText, db, collection] = process.argv.slice(2) as [string, string, string, string];
const sockets: Socket[] = [];
for (let i = 0; i < Number(countText); i++) {
  sockets.push(io(`${url}/mongo-live`, { transports: ['websocket'], reconnection: false, forceNew: true }));
}
await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.once('connect', () => resolve()))));
process.stdout.write('READY\n');
let next = 0;
createInterface({ input: process.stdin }).on('line', async (line) => {
  const { subscribe } = JSON.parse(line) as { subscribe: number };
  const acks: Promise<void>[] = [];
  for (const socket of sockets)
    for (let j = 0; j < subscribe; j++) {
      const subId = `s${next++}`;
      acks.push(
        new Promise((resolve, reject) =>
          socket.emit(
            'watch',
            { v: PROTOCOL_VERSION, subId, target: { db, collection } },
            (res: { ok: boolean; error?: unknown }) =>
              res.ok ? resolve() : reject(new Error(JSON.stringify(res.error))),
          ),
        ),
      );
    }
  await Promise.all(acks);
  process.stdout.write(`SUBSCRIBED ${acks.length}\n`);
});
process.on('SIGTERM', () => process.exit(0));
