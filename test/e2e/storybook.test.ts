// The example's Storybook, built as `npm run build-storybook` builds it, served as static files and
// opened in Chromium: each story runs its play function (writes to the in-memory testing client)
// and the write shows up in the component; nothing logs an error.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser } from './support/browser.js';
import { chromiumOrSkip } from './support/chromiumGate.js';
import { WAIT_MS } from './support/page.js';

const gate = chromiumOrSkip();
const root = fileURLToPath(new URL('../../', import.meta.url));
const out = path.join(root, '.tmp', 'storybook-static');

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

describe.skipIf(gate.skipReason !== undefined)('the example Storybook in Chromium', () => {
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const built = spawnSync(
      'npx',
      ['storybook', 'build', '--config-dir', 'examples/next-app/.storybook', '--output-dir', out, '--quiet'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' } },
    );
    if (built.status !== 0) throw new Error(`storybook build failed:\n${built.stdout}\n${built.stderr}`);
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      // iframe.html names no icon, so Chromium asks for /favicon.ico: give it Storybook's.
      if (url.pathname === '/favicon.ico') url.pathname = '/favicon.svg';
      const file = path.join(out, path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ''));
      const target = existsSync(file) && statSync(file).isDirectory() ? path.join(file, 'index.html') : file;
      if (!target.startsWith(out) || !existsSync(target)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream' });
      createReadStream(target).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await launchBrowser(gate.executablePath!);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** Opens one story alone (its play function runs), collecting what the page logs as errors. */
  async function story(id: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${base}/iframe.html?id=${id}&viewMode=story`);
    return { page, errors };
  }

  it('lists a story for each of the product grid, order list, activity feed and status badge', () => {
    const index = JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8')) as {
      entries: Record<string, { title: string; type: string }>;
    };
    const titles = new Set(Object.values(index.entries).map((e) => e.title));
    expect([...titles].sort()).toEqual([
      'Shop/Activity feed',
      'Shop/Order list',
      'Shop/Product grid',
      'Shop/Status badge',
    ]);
  });

  it("shows a story's write: +$1 on Azul comes back through the live query, and only that price flashes", async () => {
    const { page, errors } = await story('shop-product-grid--raise-a-price');
    const price = page.locator('[data-testid="product"][data-name="Azul"] [data-testid="price"]');
    await price.filter({ hasText: '$36.00' }).waitFor({ timeout: WAIT_MS });
    await page.locator('[data-testid="price"][data-flash]').first().waitFor({ timeout: WAIT_MS });
    expect(await page.locator('[data-testid="price"][data-flash]').count()).toBe(1);
    // Another write, made by the test through the story's own button: a server-side write.
    await page.getByRole('button', { name: /Another shopper/ }).click();
    await page
      .locator('[data-testid="product"]')
      .first()
      .and(page.locator('[data-name="Azul"]'))
      .waitFor({ timeout: WAIT_MS });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads page 2 with "Load more" in the product grid story, and a write into page 2 shows there', async () => {
    const { page, errors } = await story('shop-product-grid--load-more');
    // The play function clicks "Load more", then the page-2 write: its result is the last thing it waits for.
    await page
      .locator('[data-testid="product"][data-name="Chess Set, Walnut"] [data-testid="price"]', { hasText: '$100.00' })
      .waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('product-list').getAttribute('data-pages')).toBe('2');
    expect(await page.locator('[data-testid="product"]').count()).toBe(16);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows change events of writes in the activity feed, and orders placed and cancelled', async () => {
    const feed = await story('shop-activity-feed--writes');
    await feed.page.locator('[data-testid="activity-item"][data-kind="delete"]').waitFor({ timeout: WAIT_MS });
    await feed.page.locator('[data-testid="activity-item"]', { hasText: 'New product: Story Lamp' }).waitFor();
    expect(feed.errors).toEqual([]);
    const orders = await story('shop-order-list--place-and-cancel');
    await orders.page.getByTestId('order-list').waitFor({ timeout: WAIT_MS });
    await orders.page.getByRole('button', { name: /Order a teapot/ }).click();
    await orders.page
      .locator('[data-testid="order"]', { hasText: 'Story Teapot' })
      .first()
      .waitFor({ timeout: WAIT_MS });
    expect(orders.errors).toEqual([]);
    await Promise.all([feed.page.close(), orders.page.close()]);
  });

  it('shows the stale, reconnecting and error states', async () => {
    const stale = await story('shop-status-badge--stale');
    await stale.page
      .locator('[data-testid="live-status"][data-status="stale"]', { hasText: 'Not responding…' })
      .waitFor({
        timeout: WAIT_MS,
      });
    const reconnecting = await story('shop-product-grid--reconnecting');
    await reconnecting.page.locator('[data-testid="product-list"][data-live-status="reconnecting"]').waitFor({
      timeout: WAIT_MS,
    });
    const failing = await story('shop-product-grid--error-state');
    await failing.page.getByRole('alert').filter({ hasText: 'Could not load products' }).waitFor({ timeout: WAIT_MS });
    for (const { page, errors } of [stale, reconnecting, failing]) {
      expect(errors).toEqual([]);
      await page.close();
    }
  });
});
