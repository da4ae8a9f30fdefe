import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * How the balancer picks a backend for a new TCP connection.
 * - 'round-robin': the next backend in turn (socket.io needs websocket-only transport then: the
 *   requests of one polling session would land on different nodes).
 * - 'sticky': by the `client` query parameter of the connection's first HTTP request, hashed over
 *   the backends (like nginx `hash $arg_client consistent`), so every request of a client reaches
 *   the same node while it is up; polling works.
 */
export type BalancerMode = 'round-robin' | 'sticky';

/**
 * A TCP load balancer on loopback in front of bridge nodes. Like nginx with `proxy_next_upstream
 * error`, a backend that refuses the connection (its process is down) is skipped for the next one.
 */
export interface Balancer {
  readonly port: number;
  /** TCP connections accepted per backend port, since start. */
  readonly connections: Map<number, number>;
  close(): Promise<void>;
}

export async function startBalancer(options: { mode: BalancerMode; backends: () => number[] }): Promise<Balancer> {
  const open = new Set<Socket>();
  const connections = new Map<number, number>();
  let turn = 0;

  const pipeTo = (client: Socket, order: number[], head: Buffer, attempt = 0) => {
    const port = order[attempt];
    if (port === undefined) return void client.destroy();
    const upstream = connect(port, '127.0.0.1');
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      connections.set(port, (connections.get(port) ?? 0) + 1);
      open.add(upstream);
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      if (!connected) pipeTo(client, order, head, attempt + 1);
    });
    upstream.on('close', () => {
      open.delete(upstream);
      if (connected) client.destroy();
    });
    client.on('close', () => upstream.destroy());
  };

  const server: Server = createServer((client) => {
    open.add(client);
    client.on('error', () => client.destroy()).on('close', () => open.delete(client));
    const backends = options.backends();
    if (backends.length === 0) return void client.destroy();
    if (options.mode === 'round-robin') {
      const start = turn++ % backends.length;
      return pipeTo(client, rotate(backends, start), Buffer.alloc(0));
    }
    // Sticky: wait for the request line to learn the client key, then keep those bytes for the backend.
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const lineEnd = head.indexOf('\r\n');
      if (lineEnd < 0 && head.length < 8192) return;
      client.off('data', onData);
      client.pause();
      const key = /[?&]client=([^&\s]+)/.exec(head.subarray(0, Math.max(lineEnd, 0)).toString('latin1'))?.[1] ?? '';
      pipeTo(client, rotate(backends, hash(key) % backends.length), head);
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function rotate<T>(list: T[], start: number): T[] {
  return [...list.slice(start), ...list.slice(0, start)];
}

/** FNV-1a: a stable spread of client keys over backends. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
