/**
 * How the tests start Debian's Chromium (driven by playwright-core): the
 * executable, and the flags a root, sandbox-less machine with no network
 * beyond loopback needs (without the background-networking flags Chromium
 * keeps trying to reach Google's hosts, which this machine refuses).
 */

/** Debian's Chromium (`$CHROMIUM_PATH` overrides). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for every test browser. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
