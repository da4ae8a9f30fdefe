// The flags every test browser runs Debian's Chromium with (the project's ground rules): the e2e
// suite (test/e2e/support/browser.ts) and the consumer test (test/consumer/run.mjs), which is
// plain Node and cannot import TypeScript; hence a .mjs with its declaration beside it.
export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);
