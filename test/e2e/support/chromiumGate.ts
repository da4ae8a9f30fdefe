import { findChromium } from './browser.js';

/**
 * The browser tests need a Chromium. In CI (CI=true) a missing one is an error with a clear
 * message; elsewhere the suite is skipped with the same message, so `npm test` still runs the rest.
 */
export function chromiumOrSkip(): { executablePath: string | undefined; skipReason: string | undefined } {
  const executablePath = findChromium();
  if (executablePath) return { executablePath, skipReason: undefined };
  const where = process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH}` : '/usr/bin/chromium';
  const message = `No Chromium found at ${where}. Install Debian's with \`apt-get install -y chromium\`.`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`e2e: ${message}`);
  console.warn(`e2e tests skipped: ${message}`);
  return { executablePath: undefined, skipReason: message };
}
