/**
 * Sign-up with double opt-in, driven in Chromium: the form, the confirmation
 * mail read from a real SMTP server, the confirm page's button, the welcome
 * mail; and the same answer for every kind of address.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { launchBrowser } from '../preview/browser.ts';
import { linkTo, postForm, serving } from './helpers.ts';

test('sign up in the browser, confirm with the button, get a welcome mail with one-click headers', async (t) => {
  const s = await serving(t);
  const browser = await launchBrowser();
  t.onTestFinished(() => browser.close());
  const page = await browser.context.newPage();
  await page.goto(`${s.base}subscribe`);
  assert.equal(await page.locator('input[name=sections]').count(), 4, 'the four shipped sections');
  assert.equal(await page.locator('input[name=sections]:checked').count(), 4, 'all sections ticked');
  await page.fill('#email', 'reader@example.com');
  await page.fill('#name', '读者甲');
  await page.uncheck('input[value=domestic]');
  await page.click('button[type=submit]');
  await page.waitForSelector('h1');
  assert.equal(await page.textContent('h1'), '请查收确认邮件');
  const stored = s.store.subscribers.find('reader@example.com')!;
  assert.equal(stored.status, 'pending');
  assert.deepEqual(stored.sections, ['hot', 'industry', 'intl']);

  const confirmMail = await s.mail('reader@example.com');
  assert.match(confirmMail.subject, /请确认订阅《信息摘编》/);
  assert.doesNotMatch(confirmMail.raw, /^List-Unsubscribe/m, 'not on the list yet: no List-Unsubscribe');
  const link = linkTo(confirmMail.text, 'confirm');
  assert.ok(confirmMail.html.includes(new URL(link).searchParams.get('t')!), 'the HTML part has the same link');

  // A GET (what a link scanner does) changes nothing.
  await page.goto(s.local(link));
  assert.equal(await page.textContent('h1'), '确认订阅');
  assert.equal(s.store.subscribers.find('reader@example.com')!.status, 'pending');
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:has-text("订阅成功")');
  assert.equal(s.store.subscribers.find('reader@example.com')!.status, 'active');

  const welcome = await s.mail('reader@example.com', 2);
  assert.match(welcome.subject, /欢迎订阅/);
  assert.match(welcome.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
  assert.match(welcome.raw, /^List-Unsubscribe: <https:\/\/example\.org\/digest\/unsubscribe\?u=\d+&t=[\w-]+>, <mailto:/m);
  linkTo(welcome.text, 'preferences');
});

test('the answer is the same for new, pending, active, unsubscribed and blocked addresses; active ones get their preferences', async (t) => {
  const s = await serving(t);
  const now = s.clock.now.toISOString();
  s.store.subscribers.add('active@example.com', null, now);
  s.store.subscribers.add('gone@example.com', null, now);
  s.store.subscribers.unsubscribe('gone@example.com', now);
  s.store.subscribers.record('spam@example.com', null, 'complained', now);
  s.store.subscribers.signUp('pending@example.com', null, null, now);
  const bodies = new Map<string, string>();
  for (const who of ['new', 'pending', 'active', 'gone', 'spam']) {
    const email = `${who}@example.com`;
    const res = await postForm(`${s.base}subscribe`, [
      ['email', email],
      ['name', ''],
      ['sections', 'hot'],
      ['sections', 'intl'],
    ]);
    assert.equal(res.status, 200);
    bodies.set(who, (await res.text()).replace(email, 'EMAIL'));
  }
  assert.equal(new Set(bodies.values()).size, 1, 'one answer for all');
  const already = await s.mail('active@example.com');
  assert.match(already.subject, /您已订阅/);
  linkTo(already.text, 'preferences');
  assert.match((await s.mail('gone@example.com')).subject, /请确认订阅/, 'someone who left may come back, after confirming');
  await s.mail('new@example.com');
  await s.mail('pending@example.com');
  assert.equal(s.store.subscribers.find('gone@example.com')!.status, 'unsubscribed', 'not before confirming');
  assert.ok(!s.smtp.received.some((m) => m.envelopeTo.includes('spam@example.com')), 'a complainer is never mailed');
});

test('honeypot, rate limits, bad input', async (t) => {
  const s = await serving(t, { subscription: { perIpPerHour: 4, perAddressPerDay: 1 } });
  const bot = await postForm(`${s.base}subscribe`, [
    ['email', 'bot@example.com'],
    ['website', 'http://spam'],
    ['sections', 'hot'],
  ]);
  assert.equal(bot.status, 200);
  assert.match(await bot.text(), /请查收确认邮件/);
  assert.equal(s.store.subscribers.find('bot@example.com'), undefined, 'nothing stored');
  const bad = await postForm(`${s.base}subscribe`, [
    ['email', 'not an address'],
    ['sections', 'hot'],
  ]);
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /不是有效的电子邮箱地址/);
  const none = await postForm(`${s.base}subscribe`, [['email', 'x@example.com']]);
  assert.equal(none.status, 400);
  // Per address: the second request is answered the same, but no second mail goes out.
  for (let i = 0; i < 2; i++)
    assert.equal(
      (
        await postForm(`${s.base}subscribe`, [
          ['email', 'twice@example.com'],
          ['sections', 'hot'],
        ])
      ).status,
      200,
    );
  await s.mail('twice@example.com');
  // Per IP: the honeypot post counted too (4 in total so far: bot, twice ×2, and this one).
  assert.equal(
    (
      await postForm(`${s.base}subscribe`, [
        ['email', 'c@example.com'],
        ['sections', 'hot'],
      ])
    ).status,
    200,
  );
  assert.equal(
    (
      await postForm(`${s.base}subscribe`, [
        ['email', 'd@example.com'],
        ['sections', 'hot'],
      ])
    ).status,
    429,
  );
  await s.mail('c@example.com');
  assert.equal(s.smtp.received.filter((m) => m.envelopeTo.includes('twice@example.com')).length, 1);
  // An hour later the IP may try again.
  s.clock.now = new Date(s.clock.now.getTime() + 3_600_001);
  assert.equal(
    (
      await postForm(`${s.base}subscribe`, [
        ['email', 'd@example.com'],
        ['sections', 'hot'],
      ])
    ).status,
    200,
  );
});

test('forged, altered and expired confirmation links get 403 with a way to start again', async (t) => {
  const s = await serving(t);
  await postForm(`${s.base}subscribe`, [
    ['email', 'late@example.com'],
    ['sections', 'hot'],
  ]);
  const link = s.local(linkTo((await s.mail('late@example.com')).text, 'confirm'));
  const altered = link.replace(/u=(\d+)/, (_m, id: string) => `u=${Number(id) + 1}`);
  const forged = link.replace(/t=([\w-])/, (_m, c: string) => `t=${c === 'A' ? 'B' : 'A'}`);
  const extended = link.replace(/x=(\d+)/, (_m, x: string) => `x=${Number(x) + 86400}`);
  for (const url of [altered, forged, extended]) {
    const res = await fetch(url, { method: 'POST' });
    assert.equal(res.status, 403, url);
    assert.match(await res.text(), /<a href="subscribe">重新订阅<\/a>/);
  }
  s.clock.now = new Date(s.clock.now.getTime() + 48 * 3_600_000 + 1000);
  assert.equal((await fetch(link, { method: 'POST' })).status, 403, 'expired after subscription.confirmHours');
  assert.equal(s.store.subscribers.find('late@example.com')!.status, 'pending');
  s.clock.now = new Date(s.clock.now.getTime() - 2000 * 1000);
  assert.equal((await fetch(link, { method: 'POST' })).status, 200, 'within the hours it works');
  assert.equal(s.store.subscribers.find('late@example.com')!.status, 'active');
});

test('English pages and mails when publication.language is en', async (t) => {
  const s = await serving(t, { publication: { title: 'The Digest', baseUrl: 'https://example.org/digest/', language: 'en' } });
  const page = await (await fetch(`${s.base}subscribe`)).text();
  assert.match(page, /<html lang="en">/);
  assert.match(page, /Subscribe to The Digest/);
  await postForm(`${s.base}subscribe`, [
    ['email', 'en@example.com'],
    ['sections', 'hot'],
  ]);
  assert.match((await s.mail('en@example.com')).subject, /Please confirm your subscription to The Digest/);
});
