import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClientToServerEvents, encode, type ServerToClientEvents } from '@mongo-live/protocol';
import { Server } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLiveClient, type LiveClient } from './LiveClient.js';

let server: Server<ClientToServerEvents, ServerToClientEvents>;
let http: ReturnType<typeof createServer>;
let live: LiveClient;

beforeEach(async () => {
  http = createServer();
  server = new Server(http);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  live = createLiveClient({
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    socketOptions: { reconnectionDelay: 10, reconnectionDelayMax: 20 },
  });
});
afterEach(async () => {
  await live.close();
  server.close();
  await new Promise<void>((r) => http.close(() => r()));
});

describe('find', () => {
  it('is sent again when its connection drops before the answer (a read, safe to repeat)', async () => {
    let finds = 0;
    server.of('/mongo-live').on('connection', (socket) => {
      socket.on('find', (_request, ack) => {
        finds++;
        if (finds === 1)
          socket.conn.close(); // lost with its connection: no ack
        else ack({ ok: true, data: { docs: [encode({ _id: 1, n: 2 }) as Record<string, unknown>] } });
      });
    });
    await expect(live.db('d').collection('c').find({})).resolves.toEqual([{ _id: 1, n: 2 }]);
    expect(finds).toBe(2);
  });

  it('gives up with DISCONNECTED after a few lost attempts, and never repeats a refused one', async () => {
    let finds = 0;
    server.of('/mongo-live').on('connection', (socket) => {
      socket.on('find', (request, ack) => {
        finds++;
        if (request.collection === 'refused') ack({ ok: false, error: { code: 'UNAUTHORIZED', message: 'no' } });
        else socket.conn.close();
      });
    });
    await expect(live.db('d').collection('c').find({})).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(finds).toBe(3);
    await expect(live.db('d').collection('refused').find({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(finds).toBe(4);
  });
});
