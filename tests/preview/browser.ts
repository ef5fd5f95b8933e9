/**
 * Headless Chromium for the preview tests: Debian's /usr/bin/chromium driven
 * by playwright-core, with a fresh profile per launch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS } from '../helpers/chromium.ts';

/**
 * The window: desktop width, so the preview lays out its items beside the email frames (from
 * 1500 px), but only 600 px high unless screenshots are taken. Chromium paints in software here,
 * and every reload painted the whole window: at 1080 px a preview reload cost about 2.2
 * CPU-seconds, at 600 px about 1.2. Nothing the tests check depends on the height; the
 * accessibility check sets the full height itself, so what axe-core sees is as before.
 */
export const DESKTOP = { width: 1920, height: SCREENSHOTS ? 1080 : 600 };
/** The full-height desktop window, as screenshots and the accessibility check use it. */
export const FULL_DESKTOP = { width: 1920, height: 1080 };

/** A browser with a fresh user-data-dir; `close` also removes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launch at a desktop width where the items and both email frames fit side by side (`DESKTOP`). */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'digest-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: DESKTOP,
  });
  // Playwright's 30 s default is a hang guard that a loaded 2-core machine can outrun; waits are for conditions.
  context.setDefaultTimeout(120_000);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** Open the preview at `url` and wait until its live-reload connection says 实时. */
export async function openPreviewPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('#live', { hasText: '实时' }).waitFor();
}

/** Submit a form by `click` and wait for the answer's page (a 303 back to the preview) to load. */
export async function submitAndLoad(page: Page, click: () => Promise<void>): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', (f) => f === page.mainFrame());
  await click();
  await navigated;
  await page.waitForLoadState('load');
}
