import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../support/chromiumArgs.mjs';

/** CHROMIUM_PATH when set (and only it), else Debian's Chromium; undefined when it does not exist. */
export function findChromium(): string | undefined {
  const explicit = process.env.CHROMIUM_PATH;
  const candidates = explicit ? [explicit] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((candidate) => existsSync(candidate));
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh browser profile (its own cookies: one demo user per profile). */
export async function launchBrowser(executablePath: string): Promise<Browser> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'mongo-live-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
