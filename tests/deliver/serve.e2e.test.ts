/**
 * The unsubscribe endpoint: RFC 8058 one-click POST, a GET confirmation page
 * that does not unsubscribe by itself (clicked through in headless Chromium),
 * forged and incomplete links, and `digest serve` as a real process — the
 * last on both stores (the unsubscribe it writes read back from the SQLite file
 * or from PostgreSQL, $DIGEST_STORE_URL).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import type { TestContext } from 'vitest';
import { chromium } from 'playwright-core';
import { loadSubscriptionTemplates } from '../../src/deliver/index.ts';
import { signedUnsubscribeUrl, unsubscribeToken } from '../../src/deliver/unsubscribe.ts';
import { startServer } from '../../src/serve/index.ts';
import { maskEmail } from '../../src/serve/unsubscribe.ts';
import type { Store } from '../../src/store/index.ts';
import { openStore } from '../../src/store/index.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { CLI_STORES } from '../helpers/cli-stores.ts';
import { sampleConfig, TEST_SECRET } from '../helpers/config.ts';
import { SECRET, storeWith } from './helpers.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium.ts';
import { tempDir } from '../helpers/tmp.ts';

async function serving(
  t: TestContext,
  n = 3,
  templates = loadSubscriptionTemplates(join(ROOT, 'templates'), 'zh-CN'),
): Promise<{ store: Store; base: string }> {
  const { store } = storeWith(n);
  const server = await startServer(
    { host: '127.0.0.1', port: 0 },
    {
      subscribers: store.subscribers,
      secret: SECRET,
      title: '信息摘编',
      templates,
      mailto: 'digest@example.org',
      now: () => new Date(),
    },
  );
  t.onTestFinished(async () => {
    await server.close();
    store.close();
  });
  return { store, base: server.url };
}

const linkFor = (store: Store, base: string, email: string, path = '/unsubscribe') => {
  const s = store.subscribers.find(email)!;
  return signedUnsubscribeUrl(`${base}${path}`, SECRET, s.id, s.email);
};
const oneClick = (url: string, body = 'List-Unsubscribe=One-Click', type = 'application/x-www-form-urlencoded') =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': type }, body });

test('RFC 8058 one-click POST unsubscribes at once; repeating it is harmless', async (t) => {
  const { store, base } = await serving(t);
  const url = linkFor(store, base, 'r1@example.org');
  const res = await oneClick(url);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /您已退订/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(store.subscribers.find('r1@example.org')!.status, 'unsubscribed');
  assert.equal(store.subscribers.find('r2@example.org')!.status, 'active', 'only that subscriber');
  assert.equal((await oneClick(url)).status, 200);
  // multipart/form-data, which RFC 8058 also allows, and a path behind a prefix.
  const form = new FormData();
  form.set('List-Unsubscribe', 'One-Click');
  const res2 = await fetch(linkFor(store, base, 'r2@example.org', '/digest/unsubscribe'), { method: 'POST', body: form });
  assert.equal(res2.status, 200);
  assert.equal(store.subscribers.find('r2@example.org')!.status, 'unsubscribed');
});

test('a GET shows a confirmation page and unsubscribes nobody (link scanners follow GETs)', async (t) => {
  const { store, base } = await serving(t);
  const url = linkFor(store, base, 'r1@example.org');
  for (let i = 0; i < 3; i++) {
    const res = await fetch(url);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(
      html,
      /<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">确认退订<\/button><\/form>/,
    );
    assert.ok(html.includes(maskEmail('r1@example.org')) && !html.includes('r1@example.org'), 'the address is masked');
  }
  const head = await fetch(url, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(store.subscribers.find('r1@example.org')!.status, 'active');
});

test('forged, altered and incomplete links are refused and change nothing', async (t) => {
  const { store, base } = await serving(t);
  const r1 = store.subscribers.find('r1@example.org')!;
  const r2 = store.subscribers.find('r2@example.org')!;
  // r1's token with r2's id; a token made with another secret; garbage; an id nobody has.
  const forged = [
    `${base}/unsubscribe?u=${r2.id}&t=${unsubscribeToken(SECRET, r1.id, r1.email)}`,
    signedUnsubscribeUrl(`${base}/unsubscribe`, 'another-secret', r2.id, r2.email),
    `${base}/unsubscribe?u=${r2.id}&t=${'A'.repeat(32)}`,
    `${base}/unsubscribe?u=999&t=${unsubscribeToken(SECRET, 999, 'x@example.org')}`,
  ];
  for (const url of forged) {
    assert.equal((await oneClick(url)).status, 403, url);
    const page = await fetch(url);
    assert.equal(page.status, 403);
    assert.match(await page.text(), /退订链接无效/);
  }
  const incomplete = await fetch(`${base}/unsubscribe`);
  assert.equal(incomplete.status, 400);
  assert.match(await incomplete.text(), /mailto:digest@example\.org/);
  assert.equal((await oneClick(`${base}/unsubscribe?u=abc&t=<script>`)).status, 400);
  const put = await fetch(linkFor(store, base, 'r2@example.org'), { method: 'PUT' });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get('allow'), 'GET, HEAD, POST');
  assert.deepEqual(
    [...store.subscribers.all()].map((s) => s.status),
    ['active', 'active', 'active'],
  );
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  assert.equal((await fetch(`${base}/elsewhere`)).status, 404);
});

test('the pages come from templates/subscription/unsubscribe.hbs of the templates folder, in the publication language', async (t) => {
  const dir = tempDir();
  cpSync(join(ROOT, 'templates'), dir, { recursive: true });
  const file = join(dir, 'subscription', 'unsubscribe.hbs');
  writeFileSync(file, readFileSync(file, 'utf8').replace('{{#> layout}}', '{{#> layout}}\n<p class="restyled">{{t.lang}}</p>'));
  const restyled = await serving(t, 3, loadSubscriptionTemplates(dir, 'zh-CN'));
  const url = linkFor(restyled.store, restyled.base, 'r1@example.org');
  assert.match(await (await fetch(url)).text(), /<p class="restyled">zh-CN<\/p>/);
  assert.match(await (await oneClick(url)).text(), /<p class="restyled">zh-CN<\/p>\s*<p>r\*\*\*@example\.org 已退订/);
  const english = await serving(t, 3, loadSubscriptionTemplates(join(ROOT, 'templates'), 'en'));
  const page = await (await fetch(linkFor(english.store, english.base, 'r1@example.org'))).text();
  assert.match(page, /<html lang="en">/);
  assert.match(page, /<h1>Confirm unsubscribing<\/h1>/);
  assert.match(
    await (await fetch(`${english.base}/unsubscribe`)).text(),
    /write to <a href="mailto:digest@example\.org\?subject=unsubscribe">/,
  );
});

test('in a browser: the page does nothing until the button is pressed', async (t) => {
  const { store, base } = await serving(t);
  const profile = mkdtempSync(join(tmpdir(), 'digest-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  t.onTestFinished(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const page = await context.newPage();
  await page.goto(linkFor(store, base, 'r3@example.org'));
  assert.equal(await page.locator('h1').textContent(), '确认退订');
  assert.equal(store.subscribers.find('r3@example.org')!.status, 'active');
  await Promise.all([page.waitForURL(/unsubscribe/), page.getByRole('button', { name: '确认退订' }).click()]);
  await page.locator('h1', { hasText: '您已退订' }).waitFor();
  assert.equal(store.subscribers.find('r3@example.org')!.status, 'unsubscribed');
});

describe.each(CLI_STORES)('$store store', ({ location }) => {
  test('digest serve: a real process on a free port unsubscribes in the store; stops cleanly on SIGTERM', async (t) => {
    const { dir, file } = sampleConfig({ delivery: { from: '信息摘编 <digest@example.org>', unsubscribeSecret: TEST_SECRET } });
    const { where, env } = await location(dir);
    const add = await runCli(['subscribers', 'add', 'reader@example.org', '读者', '--config', file], { env });
    assert.equal(add.code, 0, add.stderr);
    const child = spawn(process.execPath, [`${ROOT}bin/digest.js`, 'serve', '--port', '0', '--config', file], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.onTestFinished(() => void child.kill('SIGKILL'));
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\/unsubscribe/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`digest serve exited: ${stderr}`)));
    });
    const store = openStore(where);
    t.onTestFinished(() => store.close());
    const reader = store.subscribers.find('reader@example.org')!;
    const res = await oneClick(signedUnsubscribeUrl(`${url}/unsubscribe`, TEST_SECRET, reader.id, reader.email));
    assert.equal(res.status, 200);
    assert.equal(store.subscribers.find('reader@example.org')!.status, 'unsubscribed');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});

test('digest serve refuses the shipped secret, and empty or short ones', async () => {
  const shipped = sampleConfig({
    delivery: { from: '信息摘编 <digest@example.org>', unsubscribeSecret: 'change-me-digest-unsubscribe-secret' },
  });
  const refused = await runCli(['serve', '--port', '0', '--config', shipped.file]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /unsubscribeSecret is the shipped default/);
  assert.match(refused.stderr, /openssl rand -base64 32/);
  // Empty and short secrets would let anyone forge a token: refused too.
  for (const weak of ['', 'x', 'short-secret']) {
    const c = sampleConfig({ delivery: { from: '信息摘编 <digest@example.org>', unsubscribeSecret: weak } });
    const r = await runCli(['serve', '--port', '0', '--config', c.file]);
    assert.equal(r.code, 2, weak);
    assert.match(r.stderr, /delivery\.unsubscribeSecret (is empty|is \d+ bytes long)/);
  }
});
