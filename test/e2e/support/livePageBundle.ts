import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const source = (name: string) => path.join(root, `packages/${name}/src/index.ts`);

/** Bundles livePage.ts for the browser into a temp dir with an index.html; bridge nodes serve it (STATIC_DIR). */
export async function buildLivePage(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mongo-live-page-'));
  await build({
    entryPoints: [fileURLToPath(new URL('./livePage.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: path.join(dir, 'page.js'),
    alias: { '@mongo-live/client': source('client'), '@mongo-live/protocol': source('protocol') },
    logLevel: 'silent',
  });
  await writeFile(
    path.join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>live</title><p>status: <b id="status"></b></p><ul id="docs"></ul><script type="module" src="/page.js"></script>\n',
  );
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
