/**
 * The editors' desk in headless Chromium with the shipped sections (图书推荐
 * among them) and a classifier trained on an old issue: doubtful placements
 * are listed first in their section with the runner-up one click away, and a
 * 图书推荐 book entry is written from the page — validated in Chinese, stored
 * as an editor item, printed as a book card in the built issue.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, test } from 'vitest';
import { parse } from 'yaml';
import { buildStep, composeIssue } from '../../src/cycle/index.ts';
import type { IssueItem } from '../../src/types.ts';
import { ROOT } from '../helpers/cli.ts';
import { launchBrowser, openPreviewPage, submitAndLoad, type TestBrowser } from './browser.ts';
import { startFixture, type PreviewFixture } from './fixture.ts';
import { screenshot } from '../helpers/chromium.ts';

const DATE = '2024-07-15';
/** An item no rule places: the classifier can only guess, and says so (review). */
const DOUBT_ID = 'doubt00000000001';

let browser: TestBrowser;
let fx: PreviewFixture;
let page: Page;

beforeAll(async () => {
  const shipped = parse(readFileSync(join(ROOT, 'config/digest.yaml'), 'utf8')) as { sections: unknown[] };
  fx = await startFixture({
    extra: {
      sections: shipped.sections,
      // Learns from one old issue; minConfidence 1 means it never overrules a rule, so its guesses are flagged.
      sectioning: { classifier: { minConfidence: 1, corpus: [join(ROOT, 'tests/section/fixtures/seed-001.txt')] } },
    },
    prepare: (ctx) => {
      const first = ctx.store.items.recent('1970-01-01')[0]!;
      ctx.store.items.insert({
        ...first,
        id: DOUBT_ID,
        guid: 'doubt-guid',
        link: 'https://example.org/doubt',
        title: '召开座谈会听取意见建议',
        issuer: '某研究会',
        outlet: '示例报',
        text: '会议围绕相关工作听取了与会代表的意见建议。',
        html: '<p>会议围绕相关工作听取了与会代表的意见建议。</p>',
        fingerprint: 'doubt-fingerprint',
        otherOutlets: [],
        pinnedSection: null,
        publishedAt: '2024-07-10T08:00:00.000+08:00',
      });
    },
  });
  browser = await launchBrowser();
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

const openPreview = (path = '') => openPreviewPage(page, fx.running.url + path);
const submit = (click: () => Promise<void>) => submitAndLoad(page, click);

const flash = () => page.locator('.flash').innerText();
const sectionIds = (sectionId: string) =>
  page
    .locator(`#items section[data-section-id="${sectionId}"] > ol.items > li.item`)
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-item')));

/** Where the composed issue (what a build would save) puts an item. */
function placement(id: string): { sectionId: string; index: number; item: IssueItem } | undefined {
  for (const s of composeIssue(fx.ctx, DATE).sections) {
    const index = s.items.findIndex((i) => i.id === id);
    if (index >= 0) return { sectionId: s.id, index, item: s.items[index]! };
  }
  return undefined;
}

test('a doubtful placement is listed first in its section with its runner-up, and one click moves it there for good', async () => {
  const placed = placement(DOUBT_ID)!;
  assert.ok(placed, 'the planted item is placed');
  assert.equal(placed.item.review, true, placed.item.reason);
  const runnerUp = placed.item.runnerUp!;
  assert.ok(runnerUp && runnerUp !== placed.sectionId, `runner-up ${runnerUp}`);
  // The issue's own order puts it after a sure item, so only the page's doubtful-first order brings it to the top.
  assert.ok(placed.index > 0, `computed position in ${placed.sectionId}: ${placed.index}`);

  await openPreview();
  const ids = await sectionIds(placed.sectionId);
  assert.equal(ids[0], DOUBT_ID, `first in ${placed.sectionId}: ${ids.join(', ')}`);
  // Every doubtful item of the section comes before every sure one.
  const flags = await page
    .locator(`#items section[data-section-id="${placed.sectionId}"] > ol.items > li.item`)
    .evaluateAll((els) => els.map((e) => e.classList.contains('doubtful')));
  assert.deepEqual(
    flags,
    [...flags].sort((a, b) => Number(b) - Number(a)),
  );
  const row = page.locator(`#items li[data-item="${DOUBT_ID}"]`);
  assert.match(await row.locator('.badge.review').innerText(), /待确认/);
  const runnerTitle = fx.ctx.config.sections.find((s) => s.id === runnerUp)!.title;
  const button = row.locator('form.runner-up button');
  assert.match(await button.innerText(), new RegExp(runnerTitle));
  await screenshot(page.locator(`#items section[data-section-id="${placed.sectionId}"]`), 'desk-doubtful.png');

  await submit(() => button.click());
  assert.ok((await sectionIds(runnerUp)).includes(DOUBT_ID), 'listed in the runner-up section');
  assert.ok(!(await sectionIds(placed.sectionId)).includes(DOUBT_ID));
  assert.equal(fx.ctx.store.overrides.get(DOUBT_ID)?.sectionId, runnerUp);
  // Moved by an editor, it is no longer doubtful.
  assert.equal(await page.locator(`#items li[data-item="${DOUBT_ID}"] .badge.review`).count(), 0);

  // A rebuild keeps it there: the saved issue and the page after it.
  await buildStep(fx.ctx, DATE, { rebuild: true, force: true });
  const saved = fx.ctx.store.issues.get(DATE)!.issue;
  assert.ok(
    saved.sections.find((s) => s.id === runnerUp)!.items.some((i) => i.id === DOUBT_ID),
    'the built issue has it in the runner-up',
  );
  await openPreview();
  assert.ok((await sectionIds(runnerUp)).includes(DOUBT_ID));
});

test('write a 图书推荐 book entry: Chinese validation, stored as an editor item, a book card in the built issue, editable', async () => {
  await openPreview();
  await page.locator('#book summary').click();
  // The form opens on the 图书推荐 section.
  assert.equal(await page.locator('#book-section').inputValue(), 'books');
  await page.locator('#book-title').fill('《数字中国》');
  await page.locator('#book-author').fill('某某');
  await page.locator('#book-publisher').fill('人民出版社');
  await page.locator('#book-published').fill('2022年5月');
  await page.locator('#book-summary').fill('本书系统介绍数字中国建设的来龙去脉。');
  await page.locator('#book-reason').fill('了解数字经济的入门读物。');
  await submit(() => page.locator('#book button.move').click());
  // A date that cannot be read is refused with what to write instead; nothing is stored.
  assert.match(await flash(), /出版日期“2022年5月”无法识别 \(写作 YYYY、YYYY-MM 或 YYYY-MM-DD，如 2022-05\)/);
  assert.equal(await page.locator('#items li.item', { hasText: '数字中国' }).count(), 0);

  await page.locator('#book summary').click();
  await page.locator('#book-title').fill('《数字中国》');
  await page.locator('#book-author').fill('某某');
  await page.locator('#book-publisher').fill('人民出版社');
  await page.locator('#book-published').fill('2022-05');
  await page.locator('#book-link').fill('https://example.org/books/digital-china');
  await page.locator('#book-summary').fill('本书系统介绍数字中国建设的来龙去脉。');
  await page.locator('#book-reason').fill('了解数字经济的入门读物。');
  await submit(() => page.locator('#book button.move').click());
  assert.match(await flash(), /图书推荐已保存：《数字中国》/);

  const row = page.locator('#items section[data-section-id="books"] li.item', { hasText: '数字中国' });
  await row.waitFor();
  const id = (await row.getAttribute('data-item'))!;
  const stored = fx.ctx.store.items.get(id)!;
  assert.equal(stored.sourceId, 'inbox');
  assert.equal(stored.title, '数字中国');
  assert.equal(stored.link, 'https://example.org/books/digital-china');
  assert.equal(
    stored.text,
    '书名/著者：数字中国/某某\n\n出版社/出版日期：人民出版社/2022-05\n\n内容简介：本书系统介绍数字中国建设的来龙去脉。\n\n推荐理由：了解数字经济的入门读物。',
  );
  assert.match(fx.ctx.store.history.recent(1)[0]!.action, /^new-book$/);
  // The web version in the page shows it as a book card.
  await page.locator('iframe.web').scrollIntoViewIfNeeded(); // it loads when scrolled to
  const card = page.frameLocator('iframe.web').locator('.book', { hasText: '数字中国' });
  assert.match(await card.innerText(), /内容简介\s*本书系统介绍/);

  // Editable and undoable like any item: the summary in the seed layout is revised, the card follows.
  await Promise.all([page.waitForURL(/edit=/), row.locator('a.edit-link').click()]);
  const form = page.locator(`li[data-item="${id}"] form.edit`);
  await form.locator('textarea[name="text"]').fill(stored.text.replace('入门读物', '必读书'));
  await submit(() => form.locator('button.move').click());
  await page.locator('iframe.web').scrollIntoViewIfNeeded(); // it loads when scrolled to
  assert.match(await page.frameLocator('iframe.web').locator('.book', { hasText: '数字中国' }).innerText(), /必读书/);

  // The built issue prints the book card with the revised reason.
  await buildStep(fx.ctx, DATE, { rebuild: true, force: true });
  const web = readFileSync(join(fx.ctx.config.output.dir, 'issues', DATE, 'index.html'), 'utf8');
  assert.match(web, /<div class="book">[\s\S]*?《数字中国》[\s\S]*?人民出版社[\s\S]*?<strong>推荐理由<\/strong>　了解数字经济的必读书。/);
  const json = JSON.parse(readFileSync(join(fx.ctx.config.output.dir, 'issues', DATE, 'issue.json'), 'utf8')) as {
    sections: { id: string; items: { id: string }[] }[];
  };
  assert.ok(json.sections.find((s) => s.id === 'books')!.items.some((i) => i.id === id));
  await screenshot(page.locator('#items section[data-section-id="books"]'), 'desk-book.png');

  await submit(() => page.locator(`li[data-item="${id}"] button[formaction="/undo"]`).click());
  await page.locator('iframe.web').scrollIntoViewIfNeeded(); // it loads when scrolled to
  assert.match(await page.frameLocator('iframe.web').locator('.book', { hasText: '数字中国' }).innerText(), /入门读物/);
});
