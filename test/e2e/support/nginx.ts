import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Debian's nginx; undefined when it is not installed. */
export function findNginx(): string | undefined {
  return ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
}

/**
 * Skips the suite without nginx, except in CI (CI=true), where a missing nginx is an error: .ci/run
 * installs it.
 */
export function nginxOrSkip(): { path: string | undefined; skipReason: string | undefined } {
  const found = findNginx();
  if (found) return { path: found, skipReason: undefined };
  const message = "No nginx found at /usr/sbin/nginx. Install Debian's with `apt-get install -y nginx-light`.";
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`e2e: ${message}`);
  console.warn(`nginx e2e tests skipped: ${message}`);
  return { path: undefined, skipReason: message };
}

export interface Nginx {
  port: number;
  /** The generated configuration (for failure messages and the docs). */
  config: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The load-balancer configuration of docs/deployment.md for `backends`: sticky by client address
 * (`ip_hash`, so socket.io's polling requests of one session reach one node), WebSocket upgrades
 * passed through, and a node that refuses connections skipped for the next one.
 */
export function nginxConfig(dir: string, port: number, backends: number[]): string {
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream bridge {
    ip_hash;
${backends.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://bridge;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      proxy_read_timeout 120s;
    }
  }
}
`;
}

/** Runs nginx in the foreground (a child of the test) with a generated configuration in a temp dir. */
export async function startNginx(binary: string, backends: number[]): Promise<Nginx> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mongo-live-nginx-'));
  await mkdir(path.join(dir, 'logs'));
  const port = await freePort();
  const config = nginxConfig(dir, port, backends);
  const file = path.join(dir, 'nginx.conf');
  await writeFile(file, config);
  const check = spawnSync(binary, ['-t', '-p', dir, '-c', file], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t failed:\n${check.stderr}\n${config}`);
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Serving once a TCP connect succeeds.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    config,
    async stop() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
