import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientToServerEvents, ServerToClientEvents } from '@mongo-live/protocol';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from './LiveTransport.js';
import { type LiveSocket, SocketTransport } from './SocketTransport.js';

let server: Server<ClientToServerEvents, ServerToClientEvents>;
let url: string;
let http: ReturnType<typeof createServer>;

beforeEach(async () => {
  http = createServer();
  server = new Server(http);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mongo-live`;
});
afterEach(async () => {
  server.close();
  await new Promise<void>((r) => http.close(() => r()));
});

const open = (autoConnect = true) =>
  new SocketTransport(io(url, { forceNew: true, autoConnect, reconnectionDelay: 20 }) as LiveSocket, {
    ownsSocket: true,
  });

describe('SocketTransport', () => {
  it('adds the protocol version, waits for the connection and resolves with the ack data', async () => {
    server.of('/mongo-live').on('connection', (socket) => {
      socket.on('find', (request, ack) => ack({ ok: true, data: { docs: [{ echo: request }] } }));
    });
    const transport = open(false); // connected by the transport itself
    expect(transport.status).toBe('connecting');
    const data = await transport.request('find', { db: 'd', collection: 'c' });
    expect(data.docs[0]).toEqual({ echo: { db: 'd', collection: 'c', v: 1 } });
    expect(transport.status).toBe('connected');
    transport.close();
  });

  it('rejects with the ack error as a LiveError', async () => {
    server.of('/mongo-live').on('connection', (socket) => {
      socket.on('find', (_r, ack) => ack({ ok: false, error: { code: 'UNAUTHORIZED', message: 'no' } }));
    });
    const transport = open();
    await expect(transport.request('find', { db: 'd', collection: 'c' })).rejects.toMatchObject({
      name: 'LiveError',
      code: 'UNAUTHORIZED',
      message: 'no',
    });
    transport.close();
  });

  it('rejects requests in flight with DISCONNECTED when the connection drops, and reports reconnecting', async () => {
    server.of('/mongo-live').on('connection', (socket) => {
      socket.on('find', () => socket.conn.close()); // never acks: drops the transport instead
    });
    const transport = open();
    const statuses: ConnectionStatus[] = [];
    transport.onStatus((s) => statuses.push(s));
    await expect(transport.request('find', { db: 'd', collection: 'c' })).rejects.toMatchObject({
      code: 'DISCONNECTED',
    });
    while (transport.status !== 'connected') await new Promise((r) => transport.onStatus(r));
    expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
    transport.close();
  });

  it('close() rejects waiting requests with CLOSED and reports disconnected', async () => {
    const transport = open(false);
    transport.socket.disconnect(); // never connects
    const t2 = open();
    const pending = t2.request('find', { db: 'd', collection: 'c' });
    t2.close();
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' });
    expect(t2.status).toBe('disconnected');
    await expect(t2.request('find', { db: 'd', collection: 'c' })).rejects.toMatchObject({ code: 'CLOSED' });
    transport.close();
  });

  it("leaves a node that says 'closing' and reconnects, also when the node then disconnects it", async () => {
    let connections = 0;
    server.of('/mongo-live').on('connection', (socket) => {
      connections++;
      if (connections === 1) socket.emit('closing', { error: { code: 'CLOSED', message: 'draining' } });
      if (connections === 2) {
        socket.emit('closing', { error: { code: 'CLOSED', message: 'restarting' }, graceMs: 0 });
        socket.disconnect(true); // a server-side disconnect: socket.io alone would not reconnect
      }
    });
    const transport = open();
    const statuses: ConnectionStatus[] = [];
    transport.onStatus((s) => statuses.push(s));
    while (connections < 3 || transport.status !== 'connected') await new Promise((r) => transport.onStatus(r));
    expect(statuses).toEqual(['connected', 'reconnecting', 'connected', 'reconnecting', 'connected']);
    transport.close();
  });

  it('stays on a draining node that still serves it (graceMs), then leaves within the first half of the grace', async () => {
    let connections = 0;
    let servedAfterClosing = false;
    server.of('/mongo-live').on('connection', (socket) => {
      connections++;
      socket.on('find', (_r, ack) => {
        servedAfterClosing = connections === 1;
        ack({ ok: true, data: { docs: [] } });
      });
      if (connections === 1) socket.emit('closing', { error: { code: 'CLOSED', message: 'draining' }, graceMs: 400 });
    });
    const transport = open();
    const statuses: ConnectionStatus[] = [];
    transport.onStatus((s) => statuses.push(s));
    await new Promise<void>((resolve) => transport.socket.once('closing', () => resolve()));
    expect(transport.status).toBe('connected'); // told to go, not gone yet: the node still serves
    await transport.request('find', { db: 'd', collection: 'c' });
    expect(servedAfterClosing).toBe(true);
    while (connections < 2 || transport.status !== 'connected') await new Promise((r) => transport.onStatus(r));
    expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
    transport.close();
  });

  it('gives unique subscription ids', () => {
    const transport = open(false);
    const ids = new Set(Array.from({ length: 100 }, () => transport.newSubId()));
    expect(ids.size).toBe(100);
    transport.close();
  });
});
