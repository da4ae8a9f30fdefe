// The demo app in a real Chromium: live queries and change streams across pages, writes from the
// UI and from the driver, a cut connection that catches up, SSR HTML, and per-user authorization.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSession } from '../../examples/next-app/lib/session.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';
import { type Browser, launchBrowser } from './support/browser.js';
import { chromiumOrSkip } from './support/chromiumGate.js';
import { type DemoProcess, startDemoProcess } from './support/demoProcess.js';

// The demo process signs session cookies with this key (it inherits the environment); the test signs its own.
process.env.DEMO_SESSION_SECRET ??= randomBytes(32).toString('hex');

import {
  productNames,
  WAIT_MS,
  waitForActivity,
  waitForFeed,
  waitForNoProduct,
  waitForProduct,
  waitForStatus,
} from './support/page.js';

const gate = chromiumOrSkip();

describe.skipIf(gate.skipReason !== undefined)('the demo app in Chromium', () => {
  let mongo: TestMongo;
  let demo: DemoProcess;
  let proxy: TcpProxy;
  let ada: Browser;
  let grace: Browser;
  let base: string;
  let blocker: Server;
  let busyPort: number;

  beforeAll(async () => {
    mongo = await startTestMongo({ dbPrefix: 'e2e_shop' });
    // The port the demo is asked for is taken: it must say so and use the next free one.
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    busyPort = (blocker.address() as { port: number }).port;
    demo = await startDemoProcess({ mongoUri: mongo.uri, dbName: mongo.dbName, port: busyPort });
    // Browsers talk to the demo through a proxy the tests can cut.
    proxy = await startTcpProxy(demo.port);
    base = `http://127.0.0.1:${proxy.port}`;
    ada = await launchBrowser(gate.executablePath!);
    grace = await launchBrowser(gate.executablePath!);
  });

  afterAll(async () => {
    await ada?.close();
    await grace?.close();
    await proxy?.close();
    await new Promise((resolve) => blocker?.close(resolve));
    // Ctrl-C: the demo closes the bridge, socket.io, Next and its MongoDB client, and exits 0.
    if (demo) {
      expect(await demo.stop('SIGINT')).toBe(0);
      expect(demo.output()).toContain('Stopped.');
    }
    await mongo?.close();
  });

  it('takes the next free port when the asked one is in use, and says so', () => {
    expect(demo.port).not.toBe(busyPort);
    expect(demo.output()).toContain(`Port ${busyPort} is in use; using ${demo.port} instead.`);
    expect(demo.output()).toContain('sample data added');
  });

  /** Opens a page and waits until it is live: socket connected, and the feed watching if it has one. */
  async function open(browser: Browser, path: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(`${base}${path}`);
    await waitForStatus(page, 'connected');
    if (await page.locator('[data-testid="activity-feed"]').count()) await waitForFeed(page);
    return page;
  }

  it('renders products on the server: the HTML from a plain fetch already holds the query result', async () => {
    const response = await fetch(`${demo.url}/?category=books&order=desc`);
    expect(response.status).toBe(200);
    const html = await response.text();
    const names = [...html.matchAll(/data-testid="product" data-id="[0-9a-f]{24}" data-name="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(names).toEqual([
      'The Art of Computer Programming, Vol. 1',
      'Structure and Interpretation of Computer Programs',
      'Designing Data-Intensive Applications',
      'The Pragmatic Programmer',
      'Clean Architecture',
    ]);
    // The live total of the filter is server-rendered too (React separates text nodes with comments).
    expect(html.replace(/<!-- -->/g, '')).toContain('Showing 5 of 5 products (live)');
  });

  it('renders only the signed-in user’s orders on the server, and no emails', async () => {
    const html = await (
      await fetch(`${demo.url}/orders`, { headers: { cookie: `demo-user=${signSession('grace')}` } })
    ).text();
    expect(html).toContain('Pour-over Coffee Set'); // Grace's
    expect(html).not.toContain('Cast Iron Skillet'); // Ada's
    expect(html).not.toContain('@example.com');
  });

  it('shows a change made on one page on the other, through server actions', async () => {
    const [one, two] = await Promise.all([open(ada, '/'), open(ada, '/')]);
    await waitForProduct(two, 'Azul', '$35.00');

    await one
      .locator('[data-testid="product"][data-name="Azul"]')
      .getByRole('button', { name: 'Raise the price of Azul' })
      .click();
    await waitForProduct(two, 'Azul', '$36.00');
    await waitForActivity(two, 'Azul: price → $36.00');
    // The price flashes where it really changed, and nowhere because of the page load.
    expect(
      await two.locator('[data-testid="price"][data-flash]').evaluateAll((els) => els.map((e) => e.textContent)),
    ).toEqual(['$36.00']);

    // A new cheapest product joins the first page: pages are bounded by sort keys, nothing is pushed out.
    expect(await productNames(one)).toContain('Structure and Interpretation of Computer Programs');
    const form = two.getByRole('form', { name: 'Add a product' });
    await form.getByPlaceholder('New product name').fill('E2E Teapot');
    await form.getByLabel('Category').selectOption('kitchen');
    await form.getByLabel('Price').fill('5');
    await form.getByRole('button', { name: 'Add product' }).click();
    await waitForProduct(one, 'E2E Teapot', '$5.00');
    expect((await productNames(one)).slice(0, 2)).toEqual(['E2E Teapot', 'Herb Seed Collection']);
    expect(await productNames(one)).toContain('Structure and Interpretation of Computer Programs');

    // ✕ asks first: "Keep" changes nothing, "Delete" removes it for everyone.
    await one.getByRole('button', { name: 'Delete E2E Teapot' }).click();
    const confirm = one.getByRole('alertdialog', { name: 'Delete E2E Teapot?' });
    await confirm.getByRole('button', { name: 'Keep' }).click();
    await confirm.waitFor({ state: 'detached' });
    await one.getByRole('button', { name: 'Delete E2E Teapot' }).click();
    expect(await productNames(two)).toContain('E2E Teapot');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await waitForNoProduct(two, 'E2E Teapot');
    await Promise.all([one.close(), two.close()]);
  });

  it('re-runs the live pages when the filter, sort and page size change, and keeps them live', async () => {
    const page = await open(ada, '/');
    await page.getByRole('button', { name: 'books' }).click();
    await page.getByTestId('sort').selectOption('desc');
    await page.getByTestId('page-size').selectOption('6');
    await waitForProduct(page, 'The Art of Computer Programming, Vol. 1');
    await waitForNoProduct(page, 'Azul');
    expect(new URL(page.url()).search).toBe('?category=books&order=desc&pageSize=6');
    // A filter change, a re-sort and a shorter page are not price changes: nothing flashes.
    expect(await page.locator('[data-testid="price"][data-flash]').count()).toBe(0);
    expect(await productNames(page)).toEqual([
      'The Art of Computer Programming, Vol. 1',
      'Structure and Interpretation of Computer Programs',
      'Designing Data-Intensive Applications',
      'The Pragmatic Programmer',
      'Clean Architecture',
    ]);
    // A new book lands in its sorted place; a new game does not show at all.
    await mongo.db.collection('products').insertMany([
      { name: 'Filtered Out Game', category: 'games', price: 70, stock: 1 },
      { name: 'Refactoring', category: 'books', price: 50, stock: 3 },
    ]);
    await waitForProduct(page, 'Refactoring', '$50.00');
    expect(await productNames(page)).toEqual([
      'The Art of Computer Programming, Vol. 1',
      'Structure and Interpretation of Computer Programs',
      'Refactoring',
      'Designing Data-Intensive Applications',
      'The Pragmatic Programmer',
      'Clean Architecture',
    ]);
    await page.close();
  });

  it('shows a write made directly with the driver on both pages', async () => {
    const [one, two] = await Promise.all([open(ada, '/'), open(ada, '/')]);
    const products = mongo.db.collection('products');
    const { insertedId } = await products.insertOne({ name: 'Driver Lamp', category: 'kitchen', price: 3, stock: 4 });
    await Promise.all([waitForProduct(one, 'Driver Lamp', '$3.00'), waitForProduct(two, 'Driver Lamp', '$3.00')]);

    await products.updateOne({ _id: insertedId }, { $set: { price: 4.5 } });
    await Promise.all([waitForProduct(one, 'Driver Lamp', '$4.50'), waitForProduct(two, 'Driver Lamp', '$4.50')]);

    await products.deleteOne({ _id: insertedId });
    await Promise.all([waitForNoProduct(one, 'Driver Lamp'), waitForNoProduct(two, 'Driver Lamp')]);
    await Promise.all([waitForActivity(one, 'New product: Driver Lamp'), waitForActivity(two, 'product removed')]);
    await Promise.all([one.close(), two.close()]);
  });

  it('opens the activity panel with the recent history, not empty', async () => {
    // Written by the earlier tests, before this page existed.
    const page = await open(ada, '/');
    await waitForActivity(page, 'product removed');
    await waitForActivity(page, 'New product: Driver Lamp');
    const activity = await open(ada, '/activity');
    await waitForActivity(activity, 'Azul: price → $36.00');
    await Promise.all([page.close(), activity.close()]);
  });

  it('catches up with writes made while the connection was cut', async () => {
    const page = await open(ada, '/');
    await waitForProduct(page, 'Herb Seed Collection');

    proxy.cut();
    await page.locator('[data-testid="live-status"]:not([data-status="connected"])').waitFor({ timeout: WAIT_MS });
    const products = mongo.db.collection('products');
    await products.updateOne({ name: 'Pruning Shears' }, { $set: { price: 7 } });
    await products.insertOne({ name: 'Offline Kettle', category: 'kitchen', price: 2, stock: 1 });
    await products.deleteOne({ name: 'Herb Seed Collection' });
    proxy.restore();

    await waitForStatus(page, 'connected');
    await waitForProduct(page, 'Offline Kettle', '$2.00');
    await waitForProduct(page, 'Pruning Shears', '$7.00');
    await waitForNoProduct(page, 'Herb Seed Collection');
    // The feed resumed after its last event: what happened meanwhile is there, exactly once.
    await waitForActivity(page, 'New product: Offline Kettle');
    await products.insertOne({ name: 'Sync Vase', category: 'garden', price: 60, stock: 1 });
    await waitForActivity(page, 'New product: Sync Vase');
    expect(await page.locator('[data-testid="activity-item"]', { hasText: 'Offline Kettle' }).count()).toBe(1);
    expect(
      await page.locator('[data-testid="activity-item"]', { hasText: 'Pruning Shears: price → $7.00' }).count(),
    ).toBe(1);
    await page.close();
  });

  const SCREENSHOTS = fileURLToPath(new URL('../../.tmp/screenshots/', import.meta.url));
  const SIZES = [
    { name: 'desktop', width: 1280, height: 900 },
    { name: 'phone', width: 390, height: 844 },
  ];
  const PAGES = [
    { name: 'products', path: '/' },
    { name: 'orders', path: '/orders' },
    { name: 'activity', path: '/activity' },
    { name: 'not-found', path: '/no-such-page' },
  ];

  it('looks right at desktop and phone sizes: nothing overflows or is cut off, no console errors', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const size of SIZES)
      for (const { name, path } of PAGES) {
        const page = await ada.context.newPage();
        const errors: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(message.text());
        });
        page.on('pageerror', (error) => errors.push(error.message));
        await page.setViewportSize({ width: size.width, height: size.height });
        const response = await page.goto(`${base}${path}`);
        expect(response?.status()).toBe(name === 'not-found' ? 404 : 200);
        await waitForStatus(page, 'connected');
        if (await page.locator('[data-testid="activity-feed"]').count()) await waitForFeed(page);
        if (name === 'not-found') await page.getByTestId('not-found').waitFor();
        const where = `${name} at ${size.name} size`;
        // No horizontal scrolling of the page, and no element sticking out of the viewport.
        const overflow = await page.evaluate(() => {
          const width = document.documentElement.clientWidth;
          const wide = [...document.querySelectorAll('body *')]
            .filter((el) => {
              const box = el.getBoundingClientRect();
              return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5) && !el.closest('.visually-hidden');
            })
            .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
          return { scroll: document.documentElement.scrollWidth - width, wide };
        });
        expect(overflow, where).toEqual({ scroll: 0, wide: [] });
        // Every button shows its whole label (no "Ga…" chip clipped by its row).
        const clipped = await page
          .locator('button, a')
          .evaluateAll((els) =>
            els.filter((el) => el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0).map((el) => el.textContent),
          );
        expect(clipped, where).toEqual([]);
        await page.screenshot({ path: `${SCREENSHOTS}${size.name}-${name}.png`, fullPage: true });
        // The browser reports the 404 status of the not-found page itself; anything else is a bug.
        const unexpected = errors.filter((e) => !(name === 'not-found' && /status of 404/.test(e)));
        expect(unexpected, where).toEqual([]);
        await page.close();
      }
  });

  /** Records every value the connection badge shows, from now on, in the page itself. */
  async function recordStatuses(page: Page): Promise<() => Promise<string[]>> {
    await page.evaluate(() => {
      const badge = document.querySelector('[data-testid="live-status"]')!;
      const seen: string[] = [];
      (window as unknown as { seenStatuses: string[] }).seenStatuses = seen;
      new MutationObserver(() => seen.push(badge.getAttribute('data-status') ?? '')).observe(badge, {
        attributes: true,
        attributeFilter: ['data-status'],
      });
    });
    return () => page.evaluate(() => (window as unknown as { seenStatuses: string[] }).seenStatuses);
  }

  it('says "Not responding" soon after a silent network loss, before socket.io notices, and recovers', async () => {
    // socket.io gives a connection up pingInterval + pingTimeout (15 s here) after the server's last
    // ping, and the server sends one every 10 s: a stall that began just before a ping was due would
    // end in socket.io's timeout about as soon as the heartbeat says 'stale' (seen: 'reconnecting'
    // without 'stale'). So each stall starts right after the client answered a server ping.
    const pongs: number[] = [];
    ada.context.once('page', (p) =>
      p.on('websocket', (ws) => ws.on('framesent', (frame) => frame.payload === '3' && pongs.push(Date.now()))),
    );
    const afterNextPong = async () => {
      const seen = pongs.length;
      await expect.poll(() => pongs.length, { timeout: WAIT_MS }).toBeGreaterThan(seen);
    };
    const page = await open(ada, '/');
    await waitForProduct(page, 'Pruning Shears', '$7.00');
    const statuses = await recordStatuses(page);
    const badge = page.getByTestId('live-status');

    // Packets stop both ways; no socket is closed, nobody is told.
    await afterNextPong();
    proxy.stall();
    const stalledAt = Date.now();
    await waitForStatus(page, 'stale');
    console.log(`e2e figure: silent stall shown as stale after ${Date.now() - stalledAt} ms`);
    expect(await badge.textContent()).toBe('Not responding…');
    const products = mongo.db.collection('products');
    await products.updateOne({ name: 'Pruning Shears' }, { $set: { price: 8 } });
    // Packets flow again before socket.io gave the connection up: the same socket carries on.
    proxy.restore();
    await waitForStatus(page, 'connected');
    await waitForProduct(page, 'Pruning Shears', '$8.00');
    expect(await statuses()).toEqual(['stale', 'connected']);

    // A longer loss: the stale badge first, then socket.io's own timeout (the demo's io Server uses
    // RECOMMENDED_SERVER_HEARTBEAT) reconnects, and the writes made meanwhile arrive.
    await afterNextPong();
    proxy.stall();
    await waitForStatus(page, 'reconnecting');
    await products.updateOne({ name: 'Pruning Shears' }, { $set: { price: 9 } });
    proxy.restore();
    await waitForStatus(page, 'connected');
    await waitForProduct(page, 'Pruning Shears', '$9.00');
    expect((await statuses()).slice(2)).toEqual(['stale', 'reconnecting', 'connected']);
    await page.close();
  });

  it('shows each user only their own orders, live, and never an email', async () => {
    // A fresh browser is signed in as Ada; picking Grace in the header switches the cookie and the socket.
    const graceOrders = await open(grace, '/orders');
    await graceOrders.locator('[data-testid="order"]', { hasText: 'Cast Iron Skillet' }).waitFor();
    await graceOrders.getByTestId('user-picker').selectOption('grace');
    await graceOrders.locator('[data-testid="order"]', { hasText: 'Catan' }).waitFor({ timeout: WAIT_MS });
    await waitForStatus(graceOrders, 'connected');
    expect(await graceOrders.locator('[data-testid="order"]', { hasText: 'Cast Iron Skillet' }).count()).toBe(0);

    const [adaShop, adaOrders, graceShop] = await Promise.all([open(ada, '/'), open(ada, '/orders'), open(grace, '/')]);
    await adaOrders.locator('[data-testid="order"]', { hasText: 'Designing Data-Intensive Applications' }).waitFor();

    await adaShop
      .locator('[data-testid="product"][data-name="Ticket to Ride"]')
      .getByRole('button', { name: 'Order' })
      .click();
    await adaOrders.locator('[data-testid="order"]', { hasText: 'Ticket to Ride' }).waitFor({ timeout: WAIT_MS });

    // A later write Grace may see: once it has arrived, Ada's order would have arrived before it.
    await mongo.db.collection('orders').insertOne({
      userId: 'grace',
      productName: 'Marker Mug',
      quantity: 1,
      total: 9,
      createdAt: new Date(),
    });
    await mongo.db.collection('products').insertOne({ name: 'Marker Plant', category: 'garden', price: 8, stock: 1 });
    await graceOrders.locator('[data-testid="order"]', { hasText: 'Marker Mug' }).waitFor({ timeout: WAIT_MS });
    await waitForActivity(graceShop, 'New product: Marker Plant');
    await waitForActivity(graceShop, 'Order placed: Marker Mug');
    expect(await graceOrders.locator('[data-testid="order"]', { hasText: 'Ticket to Ride' }).count()).toBe(0);
    expect(await graceShop.locator('[data-testid="activity-item"]', { hasText: 'Order placed: Ticket' }).count()).toBe(
      0,
    );
    await waitForActivity(adaShop, 'Order placed: Ticket to Ride');

    // Field-level access: the users query and the feed never carry `email`.
    const emails = await graceOrders.locator('[data-testid="customer-email"]').allTextContents();
    expect(emails).toHaveLength(3);
    for (const email of emails) expect(email).toBe('email hidden by the bridge');
    expect(await graceOrders.content()).not.toContain('@example.com');
    await Promise.all([adaShop.close(), adaOrders.close(), graceOrders.close(), graceShop.close()]);
  });

  it('loads more on scroll and with "Load more"; a write into page 2 shows live, and the total follows', async () => {
    const products = mongo.db.collection('products');
    // Enough pages that scrolling and the button each still find one to load. Last in this file:
    // its 70 writes fill the activity history the other tests read.
    const pans = Array.from({ length: 36 }, (_, i) => ({
      name: `E2E Pan ${String(i).padStart(2, '0')}`,
      category: 'kitchen',
      price: 200 + i * 10,
      stock: 3,
    }));
    await products.insertMany(pans);
    const kitchen = () => products.find({ category: 'kitchen' }, { sort: { price: 1, name: 1, _id: 1 } }).toArray();
    const all = await kitchen();
    const page = await open(ada, '/?category=kitchen&pageSize=6');
    const list = page.getByTestId('product-list');
    const total = (n: number) =>
      page
        .getByTestId('product-total')
        .filter({ hasText: `of ${n} products (live)` })
        .waitFor({ timeout: WAIT_MS });
    await total(all.length);
    // Scrolling to the end of the list loads the next page (an IntersectionObserver on a sentinel)...
    await page.getByTestId('load-more-sentinel').scrollIntoViewIfNeeded();
    await page.locator('[data-testid="product-list"]:not([data-pages="1"])').waitFor({ timeout: WAIT_MS });
    // ...and so does the button (bringing it into view for the click may load one by scrolling, too).
    const loaded = Number(await list.getAttribute('data-pages'));
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.waitForFunction(
      (before) => Number(document.querySelector('[data-testid="product-list"]')?.getAttribute('data-pages')) > before,
      loaded,
      { timeout: WAIT_MS },
    );
    await page.getByRole('button', { name: 'Load more', disabled: false }).waitFor({ timeout: WAIT_MS });
    const shown = Number(await list.getAttribute('data-pages'));
    expect(await productNames(page)).toEqual(all.slice(0, 6 * shown).map((p) => p.name));
    // Page 2 is live: a price change there, and a product inserted into its range.
    const second = all[7]!;
    await products.updateOne({ _id: second._id }, { $inc: { price: 0.5 } });
    await waitForProduct(page, second.name, `$${(second.price + 0.5).toFixed(2)}`);
    await products.insertOne({ name: 'E2E Pan between', category: 'kitchen', price: all[9]!.price - 1, stock: 1 });
    await waitForProduct(page, 'E2E Pan between');
    const names = await productNames(page);
    expect(names.indexOf('E2E Pan between')).toBe(names.indexOf(all[9]!.name) - 1);
    await total(all.length + 1);
    await products.deleteMany({ name: /^E2E Pan/ });
    await total(all.length - pans.length);
    await page.close();
  });
});
