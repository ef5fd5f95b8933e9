/**
 * The preference centre in Chromium: sections, pause, an address change
 * confirmed at the new address, unsubscribing; the unsubscribe page links
 * here; forged links get 403; behind a prefix.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { preferencesUrl, signedUnsubscribeUrl } from '../../src/deliver/index.ts';
import { launchBrowser } from '../preview/browser.ts';
import { linkTo, PUBLIC, serving } from './helpers.ts';

const SECRET = 'test-secret-subscriptions';

test('choose sections, pause, change the address (confirmed at the new one), unsubscribe', async (t) => {
  const s = await serving(t);
  s.store.subscribers.add('me@example.com', '读者', s.clock.now.toISOString());
  const me = s.store.subscribers.find('me@example.com')!;
  const browser = await launchBrowser();
  t.onTestFinished(() => browser.close());
  const page = await browser.context.newPage();

  // The unsubscribe confirmation page offers the preference centre instead.
  await page.goto(s.local(signedUnsubscribeUrl(`${PUBLIC}unsubscribe`, SECRET, me.id, me.email)));
  await page.click('a:has-text("选择栏目或暂停接收")');
  assert.equal(await page.textContent('h1'), '订阅设置');
  assert.equal(await page.locator('input[name=sections]:checked').count(), 4);
  await page.uncheck('input[value=intl]');
  await page.fill('#pause', '2');
  await page.click('button[value=save]');
  await page.waitForSelector('h1:has-text("设置已保存")');
  let stored = s.store.subscribers.find('me@example.com')!;
  assert.deepEqual(stored.sections, ['domestic', 'hot', 'industry']);
  assert.equal(stored.pausedIssues, 2);

  // Back to the form: it shows what was saved. Change the address.
  await page.click('a:has-text("返回订阅设置")');
  assert.equal(await page.locator('input[value=intl]:checked').count(), 0);
  await page.fill('#email', 'new@example.com');
  await page.click('button[value=save]');
  await page.waitForSelector('h1:has-text("设置已保存")');
  assert.equal(s.store.subscribers.find('me@example.com')!.email, 'me@example.com', 'not before confirming');
  const change = await s.mail('new@example.com');
  assert.match(change.subject, /请确认新的邮箱地址/);
  await page.goto(s.local(linkTo(change.text, 'confirm')));
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:has-text("邮箱地址已更改")');
  stored = s.store.subscribers.byId(me.id)!;
  assert.equal(stored.email, 'new@example.com');
  assert.equal(stored.status, 'active');

  // The old preferences link is tied to the old address; the new one works and unsubscribes.
  assert.equal((await fetch(s.local(preferencesUrl(PUBLIC, SECRET, me.id, 'me@example.com')))).status, 403);
  await page.goto(s.local(preferencesUrl(PUBLIC, SECRET, me.id, 'new@example.com')));
  await page.click('button[value=unsubscribe]');
  await page.waitForSelector('h1:has-text("您已退订")');
  assert.equal(s.store.subscribers.byId(me.id)!.status, 'unsubscribed');
});

test('preferences: GET changes nothing, forged links get 403, no section is refused', async (t) => {
  const s = await serving(t);
  s.store.subscribers.add('me@example.com', null, s.clock.now.toISOString());
  const me = s.store.subscribers.find('me@example.com')!;
  const url = s.local(preferencesUrl(PUBLIC, SECRET, me.id, me.email));
  assert.equal((await fetch(url)).status, 200);
  const forged = await fetch(url.replace(/t=./, 't=_'), {
    method: 'POST',
    body: 'action=unsubscribe',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(forged.status, 403);
  const none = await fetch(url, {
    method: 'POST',
    body: 'action=save&pause=1',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(none.status, 400);
  assert.deepEqual(s.store.subscribers.byId(me.id), { ...me });
});
