/**
 * The email and the web version in a real browser (Debian's headless
 * Chromium via playwright-core) at a phone width (375 px) and a desktop
 * width (800 px): no horizontal scroll, every section heading visible, body
 * text at least 16px, table-of-contents links land on their section, and the
 * web page works with JavaScript off. Screenshots go to $DIGEST_SCREENSHOTS
 * when set (tests/helpers/chromium.ts), for a human to judge the design.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderIssue, type RenderResult } from '../../src/render/index.ts';
import { personalize } from '../../src/render/personalize.ts';
import { loadTemplates } from '../../src/render/templates.ts';
import { issueOfSize, loadIssue, renderOptions, TEMPLATES_DIR } from './fixtures.ts';
import { CHROMIUM, CHROMIUM_ARGS, screenshot } from '../helpers/chromium.ts';

// Browser globals used inside page.evaluate callbacks (which run in Chromium); tsconfig has Node's types only.
interface El {
  tagName: string;
  className: string;
  getBoundingClientRect(): { left: number; right: number; top: number; height: number };
  contains(other: El | null): boolean;
}
declare const document: {
  documentElement: El & { clientWidth: number; scrollWidth: number };
  body: El & { scrollWidth: number; querySelectorAll(selector: string): Iterable<El> };
  querySelector(selector: string): El | null;
  elementFromPoint(x: number, y: number): El | null;
};
declare const window: { scrollTo(x: number, y: number): void };
declare function getComputedStyle(el: El): { display: string; fontSize: string; backgroundColor: string; color: string };

const WIDTHS = [375, 800];

let context: BrowserContext;
let profile: string;
let dir: string;
const files: Record<string, string> = {};
let seed: RenderResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'digest-render-'));
  seed = await renderIssue(loadIssue('seed-2024-07-15'), loadTemplates(TEMPLATES_DIR), renderOptions());
  const big = await renderIssue(issueOfSize(200), loadTemplates(TEMPLATES_DIR), renderOptions());
  const recipient = { name: '张三', unsubscribeUrl: 'https://example.org/digest/unsubscribe?s=1&t=abc' };
  const write = (name: string, html: string) => {
    files[name] = join(dir, name);
    writeFileSync(files[name], html);
  };
  write('email.html', personalize(seed, recipient).html);
  write('email-200.html', personalize(big, recipient).html);
  write('index.html', seed.webHtml);
  profile = mkdtempSync(join(tmpdir(), 'digest-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    javaScriptEnabled: false,
  });
});

afterAll(async () => {
  await context?.close();
  rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  rmSync(dir, { recursive: true, force: true });
});

async function open(file: string, width: number, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  await page.emulateMedia({ colorScheme });
  await page.goto(`file://${file}`);
  return page;
}

/** The page never scrolls sideways: nothing is wider than the viewport. */
async function assertNoHorizontalScroll(page: Page, label: string): Promise<void> {
  const { scrollWidth, clientWidth, widest } = await page.evaluate(() => {
    const root = document.documentElement;
    let widest = '';
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > root.clientWidth + 1 && getComputedStyle(el).display !== 'none') {
        widest = `${el.tagName}.${el.className} right=${Math.round(r.right)}`;
        break;
      }
    }
    return { scrollWidth: Math.max(root.scrollWidth, document.body.scrollWidth), clientWidth: root.clientWidth, widest };
  });
  assert.ok(scrollWidth <= clientWidth, `${label}: scrolls sideways (${scrollWidth} > ${clientWidth}); first too wide: ${widest}`);
}

/** Every section heading is rendered, inside the viewport's width, and not covered by anything. */
async function assertHeadingsVisible(page: Page, selector: string, label: string): Promise<void> {
  const expected = seed.view.sections.map((s) => `${s.numeral}、${s.title}`);
  const headings = page.locator(selector);
  assert.deepEqual(await headings.allTextContents(), expected, `${label}: section headings`);
  for (let i = 0; i < expected.length; i++) {
    const h = headings.nth(i);
    await h.scrollIntoViewIfNeeded();
    assert.ok(await h.isVisible(), `${label}: ${expected[i]} is not visible`);
    const box = (await h.boundingBox())!;
    const width = page.viewportSize()!.width;
    assert.ok(box.x >= 0 && box.x + box.width <= width && box.height >= 20, `${label}: ${expected[i]} at ${JSON.stringify(box)}`);
    const onTop = await h.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + 8, r.top + r.height / 2);
      return !!hit && (el === hit || el.contains(hit));
    });
    assert.ok(onTop, `${label}: ${expected[i]} is covered`);
  }
}

for (const width of WIDTHS) {
  test(`email at ${width}px: no horizontal scroll, every section heading visible, 16px text, TOC links work`, async () => {
    const page = await open(files['email.html']!, width);
    await screenshot(page, `email-${width}.png`, { fullPage: true, clip: { x: 0, y: 0, width, height: 2600 } });
    await assertNoHorizontalScroll(page, `email ${width}`);
    await assertHeadingsVisible(page, 'h2[id^="section-"]', `email ${width}`);
    // The summary: the paragraph after the headline's outlet-and-date line.
    const summarySize = await page.locator('h3#item-1 + p.meta + p').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(summarySize >= 16, `summary text is ${summarySize}px`);
    // A table-of-contents link brings its section to the top (anchors work without JavaScript).
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('a[href="#section-intl"]').click();
    const top = await page.locator('#section-intl').evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(Math.abs(top) < 5, `#section-intl is at ${top}px after following its link`);
    await screenshot(page, `email-${width}-section.png`);
    // 回到目录 at the end of the section brings the contents back.
    await page.locator('#section-intl ~ p a[href="#toc"]').first().click();
    const toc = await page.locator('#toc').evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(Math.abs(toc) < 5, `#toc is at ${toc}px after 回到目录`);
    // 本期要点 links land on their item.
    const lead = seed.view.lead[1]!;
    await page.locator(`ol.lead a[href="#${lead.anchor}"]`).click();
    const leadTop = await page.locator(`#${lead.anchor}`).evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(Math.abs(leadTop) < 5, `#${lead.anchor} is at ${leadTop}px after following 本期要点`);
    await page.close();
  });

  test(`web version at ${width}px, without JavaScript: no horizontal scroll, every section heading visible, full text`, {}, async () => {
    const page = await open(files['index.html']!, width);
    await screenshot(page, `web-${width}.png`, { fullPage: true, clip: { x: 0, y: 0, width, height: 2600 } });
    await assertNoHorizontalScroll(page, `web ${width}`);
    await assertHeadingsVisible(page, 'section > h2', `web ${width}`);
    // All 67 items of the seed, the four 图书推荐 entries among them.
    assert.equal(await page.locator('article').count(), 67);
    // The full text, not the summary: the longest item's last paragraph is on the page.
    const last = loadIssue('seed-2024-07-15').sections[5]!.items[3]!.text.trim().split('\n').at(-1)!.trim().slice(-30);
    assert.ok(await page.getByText(last).first().isVisible());
    await page.close();
  });
}

test('dark mode: the email switches to dark backgrounds with light text', async () => {
  const page = await open(files['email.html']!, 375, 'dark');
  const colours = await page.evaluate(() => {
    const card = document.querySelector('.card table')!;
    const text = document.querySelector('h3#item-1 + p.meta + p')!;
    return { card: getComputedStyle(card).backgroundColor, text: getComputedStyle(text).color };
  });
  assert.equal(colours.card, 'rgb(29, 29, 31)');
  assert.equal(colours.text, 'rgb(232, 228, 220)');
  await screenshot(page, 'email-375-dark.png', { fullPage: true, clip: { x: 0, y: 0, width: 375, height: 2600 } });
  await page.close();
});

test('a 200-item email stays usable at 375px', async () => {
  const page = await open(files['email-200.html']!, 375);
  await assertNoHorizontalScroll(page, 'email-200 375');
  assert.ok(await page.getByText(/篇幅所限，其中 \d+ 条（↗）只在网页版全文刊出/).isVisible());
  assert.ok(
    await page
      .getByText(/本节另有 \d+ 条在网页版刊出/)
      .first()
      .isVisible(),
  );
  await screenshot(page, 'email-200-375.png', { fullPage: true, clip: { x: 0, y: 0, width: 375, height: 2600 } });
  await page.close();
});
