// A real load balancer: Debian's nginx (ip_hash, WebSocket upgrade, next upstream on a refused
// connection) in front of two bridge processes; a Chromium page with a live query keeps its data,
// and keeps it current, while the process it is on is SIGKILLed.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeNode, openSharedDatabase, type SharedDatabase, startNodes } from '../scale/support/cluster.js';
import { type Browser, launchBrowser } from './support/browser.js';
import { chromiumOrSkip } from './support/chromiumGate.js';
import { buildLivePage } from './support/livePageBundle.js';
import { type Nginx, nginxOrSkip, startNginx } from './support/nginx.js';

const chromium = chromiumOrSkip();
const nginxBinary = nginxOrSkip();
const skip = chromium.skipReason ?? nginxBinary.skipReason;

describe.skipIf(skip !== undefined)(
  'behind nginx, a page keeps its live data when its bridge process is killed',
  () => {
    let db: SharedDatabase;
    let nodes: BridgeNode[];
    let nginx: Nginx;
    let browser: Browser;
    let page: Page;
    let removePage: () => Promise<void>;

    beforeAll(async () => {
      const bundle = await buildLivePage();
      removePage = bundle.remove;
      db = await openSharedDatabase('e2e_nginx');
      nodes = await startNodes(2, { uri: db.mongo.uri, staticDir: bundle.dir, prefix: 'nginx-node' });
      nginx = await startNginx(
        nginxBinary.path!,
        nodes.map((n) => n.port),
      );
      browser = await launchBrowser(chromium.executablePath!);
    });

    afterAll(async () => {
      await browser?.close();
      await nginx?.stop();
      await Promise.all((nodes ?? []).map((n) => n.kill()));
      await db?.close();
      await removePage?.();
    });

    const shown = () =>
      page.locator('[data-testid="doc"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-n'))));
    const waitFor = (ns: number[]) =>
      page.waitForFunction(
        (want) =>
          document.getElementById('status')?.textContent === 'live' &&
          JSON.stringify(
            [...document.querySelectorAll('[data-testid="doc"]')].map((e) => Number(e.getAttribute('data-n'))),
          ) === JSON.stringify(want),
        ns,
        { timeout: 30_000 },
      );

    it('moves to the other process, says so meanwhile, and stays equal to find()', async () => {
      const coll = db.driver.db(db.mongo.dbName).collection('items');
      await coll.insertMany([1, 2, 3, 4, 5].map((n) => ({ n })));
      page = await browser.context.newPage();
      await page.goto(`http://127.0.0.1:${nginx.port}/?db=${db.mongo.dbName}&coll=items`);
      await waitFor([1, 2, 3, 4, 5]);

      const stats = await Promise.all(nodes.map((n) => n.stats()));
      const serving = nodes[stats.findIndex((s) => s.sockets === 1)];
      const other = nodes.find((n) => n !== serving)!;
      expect(serving, `one node serves the page: ${JSON.stringify(stats)}`).toBeDefined();

      await serving!.kill();
      // Writes go on while the page moves.
      for (const n of [6, 7, 8]) await coll.insertOne({ n });
      await coll.deleteOne({ n: 2 });
      await waitFor([1, 3, 4, 5, 6, 7, 8]);
      expect((await other.stats()).sockets).toBe(1);

      const statuses = await page.evaluate(() => (window as unknown as { liveStatuses: string[] }).liveStatuses);
      // Live, then honest about the move ('stale' may come first when the heartbeat notices before
      // the reset does), then live again; never failed.
      expect(statuses.slice(0, 2)).toEqual(['loading', 'live']);
      expect(statuses.slice(2)).toContain('reconnecting');
      expect(statuses.at(-1)).toBe('live');
      expect(statuses.filter((s) => s === 'error' || s === 'closed')).toEqual([]);
      // It kept showing its documents while it moved (no blank list).
      expect(await page.evaluate(() => (window as unknown as { fewestShown: () => number }).fewestShown())).toBe(5);
      const truth = (await coll.find({}, { sort: { n: 1 } }).toArray()).map((d) => d.n);
      expect(await shown()).toEqual(truth);
    });
  },
);
