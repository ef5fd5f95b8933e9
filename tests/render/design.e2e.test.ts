/**
 * The design as a reader on a phone meets it (issue 16), in headless
 * Chromium: on a 375 × 667 screen the seed email's first item starts within
 * two screens, and axe-core finds no serious or critical accessibility
 * problem (contrast included) on the email, the web page and the archive, in
 * the light and in the dark colour scheme. The measuring helpers are shared
 * with scripts/screenshots.ts (tests/render/page-metrics.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, test } from 'vitest';
import { archiveEntry, renderArchive } from '../../src/publish/archive.ts';
import { renderIssue, type RenderResult } from '../../src/render/index.ts';
import { personalize } from '../../src/render/personalize.ts';
import { loadTemplates } from '../../src/render/templates.ts';
import { loadIssue, renderOptions, TEMPLATES_DIR } from './fixtures.ts';
import { axe, launch, measure, openPage } from './page-metrics.ts';

/** Two screens of a 375 × 667 phone. */
const TWO_SCREENS = 2 * 667;
/** WCAG AA for body text. */
const MIN_CONTRAST = 4.5;

let context: BrowserContext;
let dir: string;
let profile: string;
let seed: RenderResult;
const files: Record<'email' | 'web' | 'archive', string> = { email: '', web: '', archive: '' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'digest-design-'));
  const issue = loadIssue('seed-2024-07-15');
  const templates = loadTemplates(TEMPLATES_DIR);
  seed = await renderIssue(issue, templates, renderOptions());
  const p = renderOptions().publication;
  const pages = {
    email: personalize(seed, { name: '张三', unsubscribeUrl: 'https://example.org/digest/unsubscribe?s=1&t=abc' }).html,
    web: seed.webHtml,
    archive: renderArchive(
      [archiveEntry(issue), archiveEntry({ ...issue, date: '2024-07-14' })],
      {
        title: p.title,
        description: '每日信息摘编',
        language: 'zh-CN',
        itemFeed: true,
      },
      templates,
    ),
  };
  for (const [name, html] of Object.entries(pages)) {
    files[name as keyof typeof files] = join(dir, `${name}.html`);
    writeFileSync(join(dir, `${name}.html`), html);
  }
  profile = mkdtempSync(join(tmpdir(), 'digest-chromium-'));
  context = await launch(profile);
});

/**
 * One page per file at the phone size, loaded once and shared by the file's tests: each test sets the
 * colour scheme it checks first (the scheme's media queries apply at once, no reload), so none depends
 * on another having run. Loading the 67-item email again for each check cost a renderer and a layout.
 */
const pages = new Map<keyof typeof files, Promise<Page>>();
async function pageIn(name: keyof typeof files, scheme: 'light' | 'dark'): Promise<Page> {
  if (!pages.has(name)) pages.set(name, openPage(context, files[name], scheme));
  const page = await pages.get(name)!;
  await page.emulateMedia({ colorScheme: scheme });
  return page;
}

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('on a 375 × 667 phone the seed email (67 items) shows its first item within two screens', async () => {
  const page = await pageIn('email', 'light');
  const m = await measure(page);
  assert.equal(seed.view.itemCount, 67);
  assert.ok(m.firstItem > 0, 'the first item is on the page');
  assert.ok(m.firstItem <= TWO_SCREENS, `first item at ${m.firstItem} px (page ${m.height} px)`);
  // What is above it: the masthead, 本期要点 and the compact contents — not every headline.
  const above = await page.locator('#toc ~ table.contents tr').count();
  assert.equal(above, seed.view.sections.length);
});

for (const name of ['email', 'web', 'archive'] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`${name} in the ${scheme} scheme: no serious or critical axe-core violation, every text at least ${MIN_CONTRAST}:1`, async () => {
      const page = await pageIn(name, scheme);
      const { lowest } = await measure(page);
      assert.ok(lowest.ratio >= MIN_CONTRAST, `lowest contrast ${lowest.ratio}:1 at “${lowest.text}”`);
      const violations = (await axe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(violations, []);
    });
  }
}
