// Which Chromium the browser specs and the benchmark launch, and with which flags: one list, so
// the benchmark measures the browser the specs test. No dependencies (bench/cdp.mjs imports it
// without Playwright).
//
// Environment:
//   DECK_CHROMIUM     Chromium executable (default /usr/bin/chromium)

export const CHROMIUM = process.env.DECK_CHROMIUM || '/usr/bin/chromium';

/** Headless, no sandbox (containers), and nothing that talks to the network on its own. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
