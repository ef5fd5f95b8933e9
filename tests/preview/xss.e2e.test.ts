/**
 * Hostile content stays inert in the preview: an item whose title, issuer,
 * link and body carry script, and a template that carries script, render as
 * text or inside sandboxed frames — no script of theirs ever runs. Each
 * payload would call back to the server; the test watches for any call.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import type { Page } from 'playwright-core';
import { buildItem } from '../../src/ingest/item.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { startFixture, type PreviewFixture } from './fixture.ts';
import { screenshot } from '../helpers/chromium.ts';
import { waitFor } from '../helpers/wait.ts';

const TITLE = `<img src=x onerror="fetch('/pwned-title')">`;
const ISSUER = `<script>fetch('/pwned-issuer')</script>`;

let fx: PreviewFixture;
let browser: TestBrowser;
let page: Page;
const requests: string[] = [];
const dialogs: string[] = [];
/** Chromium's report of each script it refused to run in a sandboxed frame, by the frame's URL. */
const blocked: string[] = [];

beforeAll(async () => {
  fx = await startFixture({
    prepare(ctx, dir) {
      // Straight into the store, past ingest's sanitizer: the preview must hold on its own.
      const base = buildItem(
        { sourceId: 'inbox', title: 'placeholder', text: '正文。', date: '2024-07-14', outlet: '编辑部' },
        ctx.now().toISOString(),
        'Asia/Shanghai',
      );
      ctx.store.items.insert({
        ...base,
        id: 'hostile-item-1',
        title: TITLE,
        issuer: ISSUER,
        outlet: `"><script>fetch('/pwned-outlet')</script>`,
        link: `javascript:fetch('/pwned-link')`,
        text: `</pre><script>fetch('/pwned-text')</script>`,
        html: `<p>body</p><script>fetch('/pwned-body')</script><img src="/probe-image" onerror="fetch('/pwned-onerror')">`,
        pinnedSection: ctx.config.sections[0]!.id,
      });
      // A template with script in it (an editor's mistake or worse).
      const web = join(dir, 'templates/web.hbs');
      writeFileSync(
        web,
        readFileSync(web, 'utf8').replace(
          '</body>',
          `<script>fetch('/pwned-template')</script><img src="/probe-template" onerror="fetch('/pwned-template-onerror')"></body>`,
        ),
      );
    },
  });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  page.on('console', (m) => {
    if (m.text().startsWith('Blocked script execution')) blocked.push(m.location().url);
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

test('an item and a template carrying script render inert in the UI and in the frames', async () => {
  await page.goto(fx.running.url);
  await page.locator('#live', { hasText: '实时' }).waitFor();
  const row = page.locator('li[data-item="hostile-item-1"]');
  await row.waitFor();
  // Shown as text, exactly as written.
  assert.equal(await row.locator('.title').innerText(), `${ISSUER}：${TITLE}`);
  assert.match(await row.locator('.meta').innerText(), /"><script>fetch\('\/pwned-outlet'\)<\/script>/);
  // No element was created from it, and the javascript: link is not a link.
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.equal(await row.locator('script, img, .body a').count(), 0);
  assert.match(await page.locator('pre.plain').innerText(), /<\/pre><script>fetch\('\/pwned-text'\)<\/script>/);
  assert.equal(await page.locator('pre.plain *').count(), 0, 'the text part is text');

  // The frames load their images (so the probes work; they answer 404, so every onerror fires).
  await page.locator('iframe.web').scrollIntoViewIfNeeded(); // it loads when scrolled to
  await page.frameLocator('iframe.web').locator('body').waitFor();
  await waitFor(() => requests.includes('/probe-template'), 'the web frame to load to its end (the probe image at the bottom)');
  // No window of time to wait out: Chromium reports each script it refuses to run in a sandboxed frame, so wait until
  // every <script> and every onerror of each frame has been reported blocked — or one got through and called back.
  const frames = page.frames().filter((f) => f !== page.mainFrame());
  const expected = await Promise.all(
    frames.map(async (f) => (await f.locator('script').count()) + (await f.locator('img[onerror]').count())),
  );
  assert.ok(expected.reduce((a, b) => a + b) >= 2, `the template's script and onerror reached the web frame as markup: ${expected}`);
  await waitFor(
    () =>
      requests.some((p) => p.startsWith('/pwned')) ||
      frames.every((f, i) => blocked.filter((url) => url === f.url()).length >= expected[i]!),
    'Chromium to report every script of the frames blocked',
  );
  assert.deepEqual(
    requests.filter((p) => p.startsWith('/pwned')),
    [],
    'no hostile script ran',
  );
  assert.ok(requests.includes('/probe-template'), 'the web frame loaded to its end (the probe image at the bottom)');
  assert.deepEqual(dialogs, []);
  await row.scrollIntoViewIfNeeded();
  await screenshot(page, 'preview-xss.png');
});
