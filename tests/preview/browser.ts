/**
 * Headless Chromium for the preview tests: Debian's /usr/bin/chromium driven
 * by playwright-core, with a fresh profile per launch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium.ts';

/** A browser with a fresh user-data-dir; `close` also removes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launch at a desktop size where the items and both email frames fit side by side. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'digest-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1920, height: 1080 },
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
