import type { Server } from 'node:http';

/**
 * Listens on `port`, or on the next free one when it is taken (up to `attempts` ports), and says
 * which. Port 0 lets the OS pick. Resolves with the port actually bound.
 */
export async function listenWithFallback(
  server: Server,
  port: number,
  host: string,
  attempts = 20,
  log: (line: string) => void = console.log,
): Promise<number> {
  for (let candidate = port, tries = 0; ; candidate++, tries++) {
    try {
      await listenOnce(server, candidate, host);
      const bound = (server.address() as { port: number }).port;
      if (port !== 0 && bound !== port) log(`Port ${port} is in use; using ${bound} instead.`);
      return bound;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' || port === 0 || tries + 1 >= attempts) {
        if (code === 'EADDRINUSE')
          throw new Error(`Ports ${port}-${candidate} on ${host} are all in use. Set PORT to a free port.`);
        throw error;
      }
    }
  }
}

function listenOnce(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
