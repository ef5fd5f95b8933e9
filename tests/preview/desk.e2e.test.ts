/**
 * The editors' desk in headless Chromium, in Chinese: edit an item's text (a
 * revision beside the original, undoable), reorder with buttons and the
 * keyboard, 获取最新 with per-source results including a failure, write a new
 * item, find a stored item and add it, split a merged outlet, the history of
 * who changed what, axe-core's accessibility check, and the English interface.
 * With $DIGEST_SCREENSHOTS set, screenshots go there as desk-*.png.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { DESKTOP, FULL_DESKTOP, launchBrowser, openPreviewPage, submitAndLoad, type TestBrowser } from './browser.ts';
import { startFixture, type PreviewFixture } from './fixture.ts';
import { SCREENSHOTS, screenshot } from '../helpers/chromium.ts';

/** The little of the DOM the functions run in the page use (the tests compile without the DOM library). */
interface PageElement {
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
}
declare const document: { activeElement: PageElement | null };
declare const window: unknown;

const EDITOR = '张编辑';
const OLD_ID = 'old0000000000001';

let browser: TestBrowser;
let fx: PreviewFixture;
let page: Page;

beforeAll(async () => {
  fx = await startFixture({
    extra: { preview: { editor: EDITOR }, ingest: { retries: 0 } },
    prepare: (ctx) => {
      // An old item outside the selection window: found by search, then added.
      const first = ctx.store.items.recent('1970-01-01')[0]!;
      ctx.store.items.insert({
        ...first,
        id: OLD_ID,
        guid: 'old-guid',
        link: 'https://example.org/old-story',
        title: '一篇很早以前的旧闻稿件',
        issuer: '档案馆',
        publishedAt: '1990-01-02T08:00:00.000+08:00',
        firstSeenAt: '1990-01-02T00:00:00.000Z',
        fingerprint: 'old-fingerprint',
        otherOutlets: [],
      });
      // A report of the same news merged from another outlet, to split off.
      const second = ctx.store.items.recent('1970-01-01')[1]!;
      ctx.store.items.addOtherOutlet(second.id, { outlet: '合并来源报', link: 'https://example.org/merged-copy', sourceId: 'world' });
    },
  });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('dialog', (d) => void d.accept());
});

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

const openPreview = (path = '') => openPreviewPage(page, fx.running.url + path);
const submit = (click: () => Promise<void>) => submitAndLoad(page, click);

const flash = () => page.locator('.flash').innerText();

test('edit the text: stored as a revision beside the original, shown as edited, printed, undoable', async () => {
  await openPreview();
  const row = page.locator('#items section.section li.item').first();
  const id = (await row.getAttribute('data-item'))!;
  const original = fx.ctx.store.items.get(id)!;
  await Promise.all([page.waitForURL(/edit=/), row.locator('a.edit-link').click()]);
  const form = page.locator(`li[data-item="${id}"] form.edit`);
  await form.waitFor();
  // Keyboard focus lands in the form, on the headline.
  await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'title');
  await form.locator('input[name="issuer"]').fill('编辑部');
  await form.locator('input[name="title"]').fill('改写后的标题');
  // The count follows the summary as it is typed, against render.summaryChars (220).
  const text = form.locator('textarea[name="text"]');
  await text.fill('压缩后的摘要。'.repeat(40));
  await form.locator('output', { hasText: '280 / 220 字' }).waitFor();
  assert.equal(await form.locator('output').getAttribute('class'), 'over');
  await text.fill('压缩后的摘要。');
  await form.locator('output', { hasText: '7 / 220 字' }).waitFor();
  await screenshot(page, 'desk-edit.png');
  await submit(() => form.locator('button.move').click());

  const edited = page.locator(`li[data-item="${id}"]`);
  assert.match(await edited.locator('.title').innerText(), /^编辑部：改写后的标题 已修改$/);
  assert.match(await flash(), /修改已保存/);
  // The source's text stays stored; the revision sits beside it with the editor's name.
  assert.equal(fx.ctx.store.items.get(id)!.title, original.title);
  assert.equal(fx.ctx.store.items.get(id)!.text, original.text);
  const revision = fx.ctx.store.revisions.get(id)!;
  assert.deepEqual(revision.fields, { title: '改写后的标题', issuer: '编辑部', text: '压缩后的摘要。' });
  assert.equal(revision.editor, EDITOR);
  // Every build prints it: the email shows the edited headline and summary.
  const email = await page.frameLocator('iframe.email-800').locator('body').innerText();
  assert.ok(email.includes('改写后的标题') && email.includes('压缩后的摘要。'), 'the email prints the edit');

  await submit(() => edited.locator('button[formaction="/undo"]').click());
  assert.match(await flash(), /已撤销/);
  assert.equal(await page.locator(`li[data-item="${id}"] .badge.edited`).count(), 0);
  assert.ok((await page.locator(`li[data-item="${id}"] .title`).innerText()).includes(original.title));
  assert.equal(fx.ctx.store.revisions.get(id), undefined);
});

test('order: down with a button, back up with Alt+↑; the order is stored and focus stays on the item', async () => {
  await openPreview();
  const section = page.locator('#items section.section').first();
  const ids = () => section.locator('li.item').evaluateAll((els) => els.map((e) => e.getAttribute('data-item')!));
  const before = await ids();
  assert.ok(before.length >= 2);
  await submit(() => section.locator(`li[data-item="${before[0]}"] button[value="down"]`).click());
  assert.deepEqual((await ids()).slice(0, 2), [before[1], before[0]]);
  assert.equal(fx.ctx.store.overrides.ranks().get(before[0]!), 1);
  // Focus returns to the moved item, so the keyboard can go on from there.
  const focusOn = (id: string) => page.waitForFunction((i) => document.activeElement?.closest('li')?.getAttribute('data-item') === i, id);
  await focusOn(before[0]!);
  await submit(() => page.keyboard.press('Alt+ArrowUp'));
  assert.deepEqual(await ids(), before);
  await focusOn(before[0]!);
  assert.equal(fx.ctx.store.overrides.ranks().get(before[0]!), 0);
});

test('获取最新 runs the ingest with progress and lists each source, failures with their reasons', async () => {
  await openPreview();
  const config = parse(readFileSync(fx.configFile, 'utf8')) as { sources: unknown[] };
  config.sources.push({ id: 'broken', type: 'rss', url: 'http://127.0.0.1:9/feed.rss' });
  const load = page.waitForEvent('load', { timeout: 120_000 });
  writeFileSync(fx.configFile, stringify(config));
  await load;
  await page.locator('#fetch-source option[value="broken"]').waitFor({ state: 'attached' });
  await submit(() => page.locator('#fetch-button').click());
  // The page reloads itself as sources finish, until the fetch is done.
  await page.locator('#fetch .fetch-status', { hasText: '上次获取' }).waitFor({ timeout: 60_000 });
  const rows = page.locator('#fetch table tbody tr');
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((t) => t.getAttribute('data-source'))), [
    'policy',
    'world',
    'regions',
    'inbox',
    'broken',
  ]);
  const broken = page.locator('#fetch tr[data-source="broken"]');
  assert.match(await broken.innerText(), /失败/);
  assert.match(await broken.locator('td').last().innerText(), /broken.*127\.0\.0\.1:9/);
  await screenshot(page.locator('#fetch'), 'desk-fetch.png');
  await fx.running.preview.fetchSettled();
});

test('write a new item from the page: stored as an editor item and placed', async () => {
  await openPreview();
  const sectionId = (await page.locator('#items section.section').nth(1).getAttribute('data-section-id'))!;
  await page.locator('#write summary').click();
  await page.locator('#write-title').fill('编辑部：页面写稿测试');
  await page.locator('#write-outlet').fill('本刊');
  await page.locator('#write-date').fill('2024-07-14');
  await page.locator('#write-section').selectOption(sectionId);
  await page.locator('#write-attachments').fill('《页面写稿附件》');
  await page.locator('#write-body').fill('这是在预览页面上写的稿件。');
  await submit(() => page.locator('#write button.move').click());
  assert.match(await flash(), /稿件已保存：编辑部：页面写稿测试/);
  const row = page.locator(`#items section[data-section-id="${sectionId}"] li.item`, { hasText: '页面写稿测试' });
  await row.waitFor();
  const id = (await row.getAttribute('data-item'))!;
  const stored = fx.ctx.store.items.get(id)!;
  assert.equal(stored.sourceId, 'inbox');
  assert.equal(stored.issuer, '编辑部');
  assert.deepEqual(stored.attachments, ['《页面写稿附件》']);
});

test('find a stored item not in this issue and add it', async () => {
  await openPreview();
  assert.equal(await page.locator(`#items li[data-item="${OLD_ID}"]`).count(), 0);
  await page.locator('#search-words').fill('旧闻');
  await Promise.all([page.waitForURL(/find=1/), page.locator('#search form button').click()]);
  const hit = page.locator(`#search li[data-hit="${OLD_ID}"]`);
  await hit.waitFor();
  await submit(() => hit.locator('button').click());
  const added = page.locator(`#items li[data-item="${OLD_ID}"]`);
  await added.waitFor();
  assert.match(await added.locator('.title').innerText(), /档案馆：一篇很早以前的旧闻稿件 编辑添加/);
  assert.deepEqual(fx.ctx.store.overrides.additions('2024-07-15'), [OLD_ID]);
});

test('a report merged from another outlet is shown and can be split off as its own item', async () => {
  await openPreview();
  const row = page.locator('#items li.item', { has: page.locator('.others', { hasText: '合并来源报' }) });
  const id = (await row.getAttribute('data-item'))!;
  await submit(() => row.locator('form.split button').click());
  assert.match(await flash(), /已拆分 合并来源报/);
  assert.deepEqual(fx.ctx.store.items.get(id)!.otherOutlets, []);
  const split = page.locator('#items li.item', { has: page.locator('.meta', { hasText: '合并来源报' }) });
  await split.waitFor();
  assert.notEqual(await split.getAttribute('data-item'), id);
});

test('history: who changed what when, in the page', async () => {
  await openPreview();
  const history = await page.locator('#history table').innerText();
  for (const action of ['修改文字', '撤销修改', '下移', '上移', '获取最新', '写稿', '加入本期', '拆分'])
    assert.ok(history.includes(action), action);
  assert.ok(history.includes(EDITOR));
  assert.match(history, /7月15日 \d\d:\d\d/);
});

test('accessibility: axe-core finds no serious or critical violation (screenshots at 375 px and desktop with $DIGEST_SCREENSHOTS)', async (t) => {
  const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // At the full desktop height: what is in view decides what axe-core can judge (a sticky bar over text).
  await page.setViewportSize(FULL_DESKTOP);
  t.onTestFinished(() => page.setViewportSize(DESKTOP));
  const id = (await (async () => {
    await openPreview();
    return page.locator('#items section.section li.item').first().getAttribute('data-item');
  })())!;
  // With an edit form and search results open, the page's largest state.
  await openPreview(`?edit=${id}&q=%E6%97%A7&find=1#item-${id}`);
  // page.evaluate runs outside the page's CSP, which allows no injected script.
  await page.evaluate(axe);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
    };
    const r = await w.axe.run(document, { iframes: false });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], JSON.stringify(violations));
  await screenshot(page, 'desk-desktop.png');
  if (SCREENSHOTS) {
    await page.setViewportSize({ width: 375, height: 800 });
    await openPreview();
    await screenshot(page, 'desk-375.png');
    await screenshot(page, 'desk-375-full.png', { fullPage: true });
  }
});

test('publication.language en: the same page in English', async () => {
  await openPreview();
  const config = parse(readFileSync(fx.configFile, 'utf8')) as { publication: Record<string, unknown> };
  config.publication.language = 'en';
  const load = page.waitForEvent('load', { timeout: 120_000 });
  writeFileSync(fx.configFile, stringify(config));
  await load;
  await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
  assert.equal(await page.locator('#fetch-button').innerText(), 'Fetch latest');
  assert.match(await page.locator('.status').innerText(), /Monday, 15 July 2024/);
  assert.match(await page.locator('#history table').innerText(), /edited text/);
  await screenshot(page, 'desk-en.png');
});
