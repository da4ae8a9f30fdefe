import type { Page } from 'playwright-core';

/** Generous: the first render of a page may compile nothing (production build), but CI machines are slow. */
export const WAIT_MS = 30_000;

/** Resolves when the product named `name` is listed (optionally with `price` shown). */
export async function waitForProduct(page: Page, name: string, price?: string): Promise<void> {
  const card = page.locator(`[data-testid="product"][data-name="${name}"]`);
  if (price === undefined) await card.waitFor({ timeout: WAIT_MS });
  else await card.locator('[data-testid="price"]', { hasText: price }).waitFor({ timeout: WAIT_MS });
}

/** Resolves when no product named `name` is listed. */
export async function waitForNoProduct(page: Page, name: string): Promise<void> {
  await page.locator(`[data-testid="product"][data-name="${name}"]`).waitFor({ state: 'detached', timeout: WAIT_MS });
}

/** Resolves when the connection indicator shows `status`; a timeout says what it showed instead. */
export async function waitForStatus(page: Page, status: string): Promise<void> {
  const badge = page.locator('[data-testid="live-status"]');
  try {
    await page.locator(`[data-testid="live-status"][data-status="${status}"]`).waitFor({ timeout: WAIT_MS });
  } catch (error) {
    const shown = await badge.getAttribute('data-status', { timeout: 1000 }).catch(() => 'no badge');
    throw new Error(`the badge of ${page.url()} still says '${shown}', not '${status}': ${(error as Error).message}`);
  }
}

/** Resolves when an activity line containing `text` is shown. */
export async function waitForActivity(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="activity-item"]', { hasText: text }).first().waitFor({ timeout: WAIT_MS });
}

/** Texts of the product names shown, in order. */
export function productNames(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="product"]')
    .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-name') ?? ''));
}

/** Resolves when the page's activity feed has its change stream open (later events will show). */
export async function waitForFeed(page: Page): Promise<void> {
  await page.locator('[data-testid="feed-status"][data-status="open"]').waitFor({ timeout: WAIT_MS });
}
