import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server, so a test can break the client's connection for real without
 * touching the server: `cut()` resets every open socket and refuses new ones (a clean, visible
 * loss); `stall()` silently stops forwarding in both directions while every socket stays open (a
 * dead Wi-Fi or a NAT dropping packets: nobody is told anything), and `restore()` ends either,
 * delivering what a stall held back, in order. `retarget(port)` sends new connections to another
 * server while the open ones stay where they are (a balancer moving traffic between nodes).
 */
export interface TcpProxy {
  port: number;
  retarget(targetPort: number): void;
  cut(): void;
  stall(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(initialTarget: number, host = '127.0.0.1'): Promise<TcpProxy> {
  let targetPort = initialTarget;
  const open = new Set<Socket>();
  let down = false;
  let stalled = false;
  /** Bytes a stall kept from their destination, in arrival order. */
  let held: Array<{ to: Socket; chunk: Buffer }> = [];
  const forward = (from: Socket, to: Socket) =>
    from.on('data', (chunk: Buffer) => {
      if (stalled) held.push({ to, chunk });
      else if (!to.destroyed) to.write(chunk);
    });
  const server: Server = createServer((client) => {
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, host);
    open.add(client);
    open.add(upstream);
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as { port: number }).port,
    retarget(port) {
      targetPort = port;
    },
    cut() {
      down = true;
      held = [];
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    stall() {
      stalled = true;
    },
    restore() {
      down = false;
      stalled = false;
      for (const { to, chunk } of held.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
