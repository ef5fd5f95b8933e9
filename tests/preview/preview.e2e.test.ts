/**
 * The editors' preview in headless Chromium: open it, move an item through
 * the UI and see it moved (in the list, the email and the store), send a test
 * to a real SMTP server, live-reload on template/config/inbox edits, approve.
 * The first test looks at the real-size page (the shipped samples, 67 items);
 * the actions run on the small sample set (tests/preview/fixture.ts).
 * With $DIGEST_SCREENSHOTS set, screenshots go there as preview-*.png.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import type { Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { subjectLine } from '../../src/render/view.ts';
import { openStore } from '../../src/store/index.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { startFixture, TEST_RECIPIENTS, type PreviewFixture } from './fixture.ts';
import { assertInOrder } from '../helpers/wait.ts';
import { screenshot } from '../helpers/chromium.ts';

let browser: TestBrowser;
let fx: PreviewFixture;
let page: Page;

beforeAll(async () => {
  fx = await startFixture();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  // The approve button asks for confirmation.
  page.on('dialog', (d) => void d.accept());
});

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

const count = (sql: string, on = fx) => (on.ctx.store.db.prepare(sql).get() as { n: number }).n;

/** The live indicator turns on once the event stream is connected. */
async function openPreview(on = fx): Promise<void> {
  await page.goto(on.running.url);
  await page.locator('#live', { hasText: '实时' }).waitFor();
}

test('the preview shows the next issue without changing any state', async (t) => {
  // The real-size page: a preview of its own on the shipped samples.
  const shipped = await startFixture({ samples: 'shipped' });
  t.onTestFinished(() => shipped.close());
  await openPreview(shipped);
  assert.match(await page.locator('.status').innerText(), /2024年7月15日（星期一）/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  // The subject is `{{title}}｜{{lead}}`: the headline of the issue's first item.
  const lead = await page
    .locator('#items li.item', { has: page.locator('.pos', { hasText: /^1$/ }) })
    .locator('.title')
    .innerText();
  assert.equal(
    await page.locator('dd.subject').innerText(),
    subjectLine('{{title}}｜{{lead}}', { title: '信息摘编', lead, numbering: '', date: '' }),
  );
  assert.ok((await page.locator('dd.preheader').innerText()).length > 10);
  const items = await page.locator('#items li.item').count();
  assert.ok(items >= 50, `items listed: ${items}`);
  assert.ok((await page.locator('#items .reason').first().innerText()).length > 5, 'each item says why it is there');

  // Email at 375 px and 800 px, the plain-text part, the web version.
  const phone = await page.locator('iframe.email-375').boundingBox();
  const desktop = await page.locator('iframe.email-800').boundingBox();
  assert.ok(phone && Math.abs(phone.width - 377) <= 2, `phone frame width ${phone?.width}`);
  assert.ok(desktop && Math.abs(desktop.width - 802) <= 2, `desktop frame width ${desktop?.width}`);
  assert.equal(await page.locator('iframe.email-375').getAttribute('sandbox'), 'allow-popups allow-popups-to-escape-sandbox');
  const emailText = await page.frameLocator('iframe.email-800').locator('body').innerText();
  assert.match(emailText, /信息摘编/);
  assert.match(await page.locator('pre.plain').innerText(), /信息摘编/);
  await page.locator('iframe.web').scrollIntoViewIfNeeded(); // it loads when scrolled to
  assert.match(await page.frameLocator('iframe.web').locator('body').innerText(), /信息摘编/);

  await screenshot(page, 'preview-overview.png');
  await screenshot(page.locator('.frames'), 'preview-email-frames.png');
  await screenshot(page, 'preview-full.png', { fullPage: true });

  // Looking built nothing: no issue saved, no item assigned, no override.
  assert.equal(count('SELECT count(*) AS n FROM issues', shipped), 0);
  assert.equal(count('SELECT count(*) AS n FROM items WHERE issue_date IS NOT NULL', shipped), 0);
  assert.equal(shipped.ctx.store.overrides.all().size, 0);
});

test('moving an item through the UI moves it in the list, the email and the store', async () => {
  await openPreview();
  const firstSection = page.locator('#items section.section').first();
  const fromId = await firstSection.getAttribute('data-section-id');
  const row = firstSection.locator('li.item').first();
  const itemId = (await row.getAttribute('data-item'))!;
  const title = (await row.locator('.title').innerText()).trim();
  const options = await row.locator('select option').evaluateAll((os) => os.map((o) => [o.getAttribute('value'), o.textContent]));
  const [toId, toTitle] = options.at(-1) as [string, string];
  assert.notEqual(toId, fromId);

  await row.locator('select').selectOption(toId);
  await Promise.all([page.waitForURL(/flash=/), row.locator('.controls button[value="move"]').click()]);

  const moved = page.locator(`#items section[data-section-id="${toId}"] li[data-item="${itemId}"]`);
  await moved.waitFor();
  assert.match(await moved.locator('.reason').innerText(), /编辑移入本栏/);
  assert.equal(await page.locator(`#items section[data-section-id="${fromId}"] li[data-item="${itemId}"]`).count(), 0);
  assert.match(await page.locator('.flash-ok').innerText(), /已保存：移动栏目/);
  assert.deepEqual(fx.ctx.store.overrides.all().get(itemId), { itemId, sectionId: toId, excluded: false, pinnedFirst: false });

  // In the email the item now comes after the new section's heading (in the contents and the body).
  const email = await page.frameLocator('iframe.email-800').locator('body').innerText();
  const headline = title.replace(/^.*?：/, '');
  assertInOrder(email, [toTitle, headline], 'item listed under its new section');
  // The frames open at the moved item.
  const position = await moved.locator('.pos').innerText();
  assert.equal(
    await page.locator('iframe.email-800').getAttribute('src'),
    `/frame/email?g=${await page.locator('body').getAttribute('data-generation')}#item-${position}`,
  );
  await screenshot(page, 'preview-moved.png');

  // Pin another item first in that section, then exclude it: the list follows each change.
  const other = page.locator(`#items section[data-section-id="${toId}"] li.item`).last();
  const otherId = (await other.getAttribute('data-item'))!;
  if (otherId !== itemId) {
    await Promise.all([page.waitForURL(/flash=/), other.locator('button[value="pin"]').click()]);
    assert.equal(await page.locator(`#items section[data-section-id="${toId}"] li.item`).first().getAttribute('data-item'), otherId);
    assert.equal(fx.ctx.store.overrides.all().get(otherId)?.pinnedFirst, true);
  }
  const pinned = page.locator(`li[data-item="${otherId}"]`);
  await Promise.all([page.waitForURL(/flash=/), pinned.locator('button[value="exclude"]').click()]);
  await page.locator(`#items section.unplaced li[data-item="${otherId}"]`).waitFor();
  assert.equal(fx.ctx.store.overrides.all().get(otherId)?.excluded, true);
  // Reset forgets the editor's changes to it.
  await Promise.all([page.waitForURL(/flash=/), page.locator(`li[data-item="${otherId}"] button[value="reset"]`).click()]);
  assert.equal(fx.ctx.store.overrides.all().has(otherId), false);
  assert.equal(await page.locator(`#items section.unplaced li[data-item="${otherId}"]`).count(), 0);
});

test('send test mails every test recipient through SMTP with [TEST] and records no delivery', async () => {
  await openPreview();
  const subject = await page.locator('dd.subject').innerText();
  assert.match(subject, /^信息摘编｜\S/);
  const before = fx.smtp.received.length;
  await Promise.all([page.waitForURL(/flash=/), page.locator('#send-test').click()]);
  assert.match(await page.locator('.flash-ok').innerText(), /测试邮件已发送到 editor@example\.org, chief@example\.org/);
  const got = fx.smtp.received.slice(before);
  assert.deepEqual(got.map((m) => m.envelopeTo[0]).sort(), [...TEST_RECIPIENTS].sort());
  for (const m of got) {
    assert.equal(m.parsed.subject, `[TEST] ${subject}`);
    assert.ok(m.parsed.text && m.parsed.html, 'multipart: text and HTML');
  }
  // The moved item is in the test mail where the preview showed it.
  const [override] = [...fx.ctx.store.overrides.all().values()];
  const item = fx.ctx.store.items.get(override!.itemId)!;
  assert.ok(got[0]!.parsed.text!.includes(item.title));
  assert.equal(count('SELECT count(*) AS n FROM deliveries'), 0);
  assert.equal(count('SELECT count(*) AS n FROM issues'), 0);
  await screenshot(page, 'preview-test-sent.png');
});

test('live reload: template, config and inbox edits show without a restart', async () => {
  await openPreview();
  const reloaded = () => page.waitForEvent('load', { timeout: 120_000 });

  // A template edit.
  const textTemplate = join(fx.templates, 'issue.txt.hbs');
  const original = readFileSync(textTemplate, 'utf8');
  let load = reloaded();
  writeFileSync(textTemplate, `LIVE-RELOAD-MARK\n${original}`);
  await load;
  await page.locator('pre.plain', { hasText: 'LIVE-RELOAD-MARK' }).waitFor();

  // A broken template shows the error instead of the email; fixing it brings the email back.
  load = reloaded();
  writeFileSync(textTemplate, `{{#if}}broken\n${original}`);
  await load;
  await page.locator('.render-error').waitFor();
  assert.match(await page.locator('.render-error').innerText(), /Parse error/);
  assert.match(await page.locator('.problem').innerText(), /templates:\s+\S*issue\.txt\.hbs: Parse error on line \d+/);
  await screenshot(page, 'preview-template-error.png');
  load = reloaded();
  writeFileSync(textTemplate, original);
  await load;
  await page.locator('iframe.email-800').waitFor();
  assert.equal(await page.locator('.problem').count(), 0);

  // An inbox item saved by an editor.
  load = reloaded();
  writeFileSync(
    join(fx.inbox, 'live-reload.md'),
    '---\ntitle: 编辑部：实时预览测试稿件\noutlet: 编辑部\ndate: 2024-07-14\nsection: ' +
      (await page.locator('#items section.section').nth(1).getAttribute('data-section-id')) +
      '\n---\n这是一篇用于验证实时预览的稿件。保存后预览应立即显示。\n',
  );
  await load;
  const added = page.locator('#items li.item', { hasText: '实时预览测试稿件' });
  await added.waitFor();
  assert.match(await added.locator('.reason').innerText(), /编辑稿件指定的栏目/);

  // A config edit: a section renamed.
  const config = parse(readFileSync(fx.configFile, 'utf8')) as Record<string, unknown>;
  const sectionTitle = (await page.locator('#items section.section h3 span').first().innerText()).replace(/^.*、/, '');
  config.sections = fx.ctx.config.sections.map((s, i) => (i === 0 ? { ...s, title: `${sectionTitle}（已改名）` } : s));
  load = reloaded();
  writeFileSync(fx.configFile, stringify(config));
  await load;
  await page.locator('#items section.section h3', { hasText: '（已改名）' }).waitFor();
  assert.match(await page.frameLocator('iframe.email-375').locator('body').innerText(), /（已改名）/);
  await screenshot(page, 'preview-live-reload.png');

  // A change made by another process (digest override in a terminal) shows too.
  const victim = (await page.locator('#items section.section li.item').first().getAttribute('data-item'))!;
  load = reloaded();
  const other = openStore(fx.ctx.config.store.path);
  other.overrides.set(victim, { excluded: true }, new Date().toISOString());
  other.close();
  await load;
  await page.locator(`#items section.unplaced li[data-item="${victim}"]`).waitFor();
  fx.ctx.store.overrides.clear(victim);
});

test('approve (schedule.requireApproval): the draft is saved as previewed and approved', async () => {
  const config = parse(readFileSync(fx.configFile, 'utf8')) as { schedule: Record<string, unknown> };
  await openPreview();
  assert.equal(await page.locator('#approve').count(), 0, 'no approve button unless approval is required');
  config.schedule.requireApproval = true;
  const load = page.waitForEvent('load', { timeout: 120_000 });
  writeFileSync(fx.configFile, stringify(config));
  await load;
  await page.locator('#approve').waitFor();
  const listed = await page.locator('#items section.section li.item').evaluateAll((els) => els.map((e) => e.getAttribute('data-item')));
  await Promise.all([page.waitForURL(/flash=/), page.locator('#approve').click()]);
  assert.match(await page.locator('.flash-ok').innerText(), /已审定/);
  const stored = fx.ctx.store.issues.get('2024-07-15');
  assert.equal(stored?.status, 'approved');
  const saved = stored!.issue.sections.flatMap((s) => s.items.map((i) => i.id));
  assert.deepEqual(saved, listed, 'the approved issue is the one the editor saw');
  assert.match(await page.locator('.status').innerText(), /已审定/);
  assert.equal(await page.locator('#approve').count(), 0);
  await screenshot(page, 'preview-approved.png');

  // A change after the draft was saved: the page says the draft differs, and "Update draft" saves it.
  assert.equal(await page.locator('form[action="/draft"]').count(), 0);
  const row = page.locator('#items section.section li.item').first();
  const itemId = (await row.getAttribute('data-item'))!;
  await Promise.all([page.waitForURL(/flash=/), row.locator('button[value="exclude"]').click()]);
  await page.locator('form[action="/draft"]', { hasText: '不同' }).waitFor();
  assert.ok(
    fx.ctx.store.issues.get('2024-07-15')!.issue.sections.some((s) => s.items.some((i) => i.id === itemId)),
    'not yet in the draft',
  );
  await Promise.all([page.waitForURL(/flash=/), page.locator('form[action="/draft"] button').click()]);
  assert.match(await page.locator('.flash-ok').innerText(), /2024-07-15 的草稿已与预览一致/);
  assert.equal(await page.locator('form[action="/draft"]').count(), 0);
  assert.ok(
    !fx.ctx.store.issues.get('2024-07-15')!.issue.sections.some((s) => s.items.some((i) => i.id === itemId)),
    'the draft follows the preview',
  );
});
