// Child process of the feeds bench: opens `sockets` socket.io sockets to the bridge, each as its
// own tenant (auth), and `perSocket` watch subscriptions on each, every one with its own pipeline
// ($match on its own owner). Reports arrivals of marked events; on `{"cmd":"storm"}` drops every
// socket at once and resumes every subscription from its last token.
// stdio: argv = url sockets perSocket db coll; prints READY, ARRIVAL <seq> <wallMs>, STORM <ms>,
// CHECK <lost> <doubled>.
import { createInterface } from 'node:readline';
import { type ChangeBatch, decode, PROTOCOL_VERSION } from '@mongo-live/protocol';
import { io, type Socket } from 'socket.io-client';

const [url, socketsText, perSocketText, db, collection] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const socketCount = Number(socketsText);
const perSocket = Number(perSocketText);
const wallMs = () => performance.timeOrigin + performance.now();

interface Sub {
  subId: string;
  owner: string;
  token?: unknown;
  seqs: number[];
}
interface Client {
  index: number;
  socket: Socket;
  subs: Map<string, Sub>;
  byStream: Map<string, Sub[]>;
}

const clients: Client[] = [];

function onBatch(client: Client, batch: ChangeBatch) {
  const t = wallMs();
  for (const sub of client.byStream.get(batch.streamId) ?? []) {
    if (batch.postBatchResumeToken) sub.token = batch.postBatchResumeToken;
    for (const raw of batch.events) {
      const event = decode<{ fullDocument?: { seq?: number; mark?: boolean } }>(raw);
      const seq = event.fullDocument?.seq;
      if (typeof seq !== 'number') continue;
      sub.seqs.push(seq);
      if (event.fullDocument?.mark) process.stdout.write(`ARRIVAL ${seq} ${t}\n`);
    }
  }
}

function subscribe(client: Client, sub: Sub): Promise<void> {
  return new Promise((resolve, reject) => {
    client.socket.emit(
      'watch',
      {
        v: PROTOCOL_VERSION,
        subId: sub.subId,
        target: { db, collection },
        pipeline: [{ $match: { 'fullDocument.owner': sub.owner } }, { $addFields: { sub: sub.subId } }],
        ...(sub.token ? { options: { resumeAfter: sub.token } } : {}),
      },
      (res: { ok: boolean; data?: { streamId: string; resumeToken?: unknown }; error?: unknown }) => {
        if (!res.ok || !res.data) return reject(new Error(JSON.stringify(res.error)));
        const list = client.byStream.get(res.data.streamId) ?? [];
        list.push(sub);
        client.byStream.set(res.data.streamId, list);
        sub.token ??= res.data.resumeToken;
        resolve();
      },
    );
  });
}

async function connect(client: Client): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    if (client.socket.connected) return resolve();
    client.socket.once('connect', () => resolve());
    client.socket.once('connect_error', reject);
    client.socket.connect();
  });
  client.byStream.clear();
  await Promise.all([...client.subs.values()].map((s) => subscribe(client, s)));
}

for (let i = 0; i < socketCount; i++) {
  const socket = io(`${url}/mongo-live`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
    timeout: 120_000,
    auth: { tenant: `t${i}` },
  });
  const client: Client = { index: i, socket, subs: new Map(), byStream: new Map() };
  for (let k = 0; k < perSocket; k++) {
    const subId = `s${k}`;
    client.subs.set(subId, { subId, owner: `o${i * perSocket + k}`, seqs: [] });
  }
  socket.on('change', (batch) => onBatch(client, batch));
  clients.push(client);
}
for (let i = 0; i < clients.length; i += 100) await Promise.all(clients.slice(i, i + 100).map(connect));
process.stdout.write('READY\n');

createInterface({ input: process.stdin }).on('line', async (line) => {
  const message = JSON.parse(line) as { cmd: string; total?: number };
  if (message.cmd === 'storm') {
    const t0 = wallMs();
    for (const c of clients) c.socket.disconnect();
    await Promise.all(clients.map(connect));
    process.stdout.write(`STORM ${wallMs() - t0}\n`);
  } else if (message.cmd === 'check') {
    // Expected: the writer gave seq s to owner o(s % (sockets * perSocket)).
    const total = message.total ?? 0;
    const owners = socketCount * perSocket;
    let lost = 0;
    let doubled = 0;
    for (const c of clients)
      for (const sub of c.subs.values()) {
        const n = Number(sub.owner.slice(1));
        const want = [];
        for (let s = n; s < total; s += owners) want.push(s);
        const got = new Set(sub.seqs);
        doubled += sub.seqs.length - got.size;
        for (const s of want) if (!got.has(s)) lost++;
      }
    process.stdout.write(`CHECK ${lost} ${doubled}\n`);
  }
});
process.on('SIGTERM', () => {
  for (const c of clients) c.socket.close();
  process.exit(0);
});
