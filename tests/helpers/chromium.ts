/**
 * How the tests start Debian's Chromium (driven by playwright-core): the
 * executable, the flags a root, sandbox-less machine with no network beyond
 * loopback needs, and screenshots on request.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

/** Debian's Chromium (`$CHROMIUM_PATH` overrides). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for every test browser. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these Chromium keeps trying to reach Google's hosts, which this machine refuses.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // One renderer process per page instead of one more per sandboxed frame: the preview's three
  // sandboxed frames made every page load cost twice the CPU (16 → 8 CPU-seconds for five loads).
  // The sandbox itself (no scripts, no same-origin access) is enforced either way.
  '--disable-site-isolation-trials',
  // One --disable-features only: Chromium reads the last one given.
  // WebUIOmniboxPopup: at launch Chromium preloads the address bar's popup (a WebUI page in a renderer of
  // its own) that no headless test ever opens; it cost about 0.7 CPU-seconds per browser started.
  '--disable-features=IsolateOrigins,site-per-process,IsolateSandboxedIframes,WebUIOmniboxPopup',
];

/**
 * Where screenshots go: `DIGEST_SCREENSHOTS=out/screenshots npm test` (or any
 * folder). Unset, the tests take none — each costs Chromium one or two
 * CPU-seconds and nobody looks at them on every run; `npm run screenshots`
 * makes the 375 px light/dark set of the email and web page.
 */
export const SCREENSHOTS = process.env.DIGEST_SCREENSHOTS || undefined;

/** Save a screenshot of `target` as `name` in $DIGEST_SCREENSHOTS, when set. */
export async function screenshot(
  target: Page | Locator,
  name: string,
  opts: { fullPage?: boolean; clip?: { x: number; y: number; width: number; height: number } } = {},
): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await target.screenshot({ path: join(SCREENSHOTS, name), ...opts });
}
