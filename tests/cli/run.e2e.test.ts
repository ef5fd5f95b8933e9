/**
 * The whole cycle through the real CLI: sample sources → the store → issue
 * files → a real SMTP server (smtp-server + mailparser). Then a second run
 * the same day: the issue exists and nobody is mailed twice. The cycle tests
 * run on both stores: the SQLite file, and PostgreSQL ($DIGEST_STORE_URL set
 * to a fresh database of a throwaway cluster).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { CLI_STORES } from '../helpers/cli-stores.ts';
import { sampleConfig, TEST_SECRET } from '../helpers/config.ts';
import { subjectOf } from '../helpers/subject.ts';
import { startSmtp } from '../helpers/smtp.ts';

// 08:30 on 2024-07-15 in Shanghai: after the 07:00 cut-off of that day.
const NOW = { DIGEST_NOW: '2024-07-15T00:30:00Z' };

describe.each(CLI_STORES)('$store store', ({ store, location }) => {
  test('digest run: ingest, build, publish and send over SMTP, exactly once', async (t) => {
    const smtp = await startSmtp();
    t.onTestFinished(() => smtp.close());
    const { dir, file } = sampleConfig({
      delivery: { from: '信息摘编 <digest@example.org>', unsubscribeSecret: TEST_SECRET, smtp: { url: smtp.url, pool: false } },
    });
    const { env } = await location(dir, NOW);

    const first = await runCli(['run', '--config', file, '--json'], { env });
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout);
    assert.equal(summary.ok, true);
    assert.deepEqual(
      summary.sources.map((s: { id: string; new: number }) => [s.id, s.new]),
      [
        ['policy', 22],
        ['world', 11],
        ['regions', 14],
        // The editor items: 13 news items and the 4 图书推荐 book entries.
        ['inbox', 17],
      ],
    );
    assert.equal(summary.build.status, 'built');
    // The store in use: the file exists only when no PostgreSQL URL was given.
    assert.equal(existsSync(join(dir, 'digest.db')), store === 'sqlite');
    assert.equal(summary.build.date, '2024-07-15');
    assert.equal(summary.send.submitted, 2);

    // What arrived: one message per subscriber, multipart with text first, list headers.
    assert.deepEqual(smtp.received.map((m) => m.envelopeTo[0]).sort(), ['alice@example.org', 'bob@example.org']);
    const alice = smtp.received.find((m) => m.envelopeTo[0] === 'alice@example.org')!;
    // The subject is `{{title}}｜{{lead}}`: the lead headline of the issue as published.
    const published = JSON.parse(readFileSync(join(dir, 'out/issues/2024-07-15/issue.json'), 'utf8'));
    assert.equal(alice.parsed.subject, subjectOf(published));
    assert.match(alice.raw, /Content-Type: multipart\/alternative/i);
    assert.ok(alice.raw.search(/Content-Type: text\/plain/i) < alice.raw.search(/Content-Type: text\/html/i), 'text part comes first');
    const headers = alice.raw.slice(0, alice.raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
    assert.match(headers, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    assert.match(
      headers,
      /^List-Unsubscribe: <https:\/\/example\.org\/digest\/unsubscribe\?u=\d+&t=[\w-]+>, <mailto:digest@example\.org\?subject=unsubscribe>$/m,
    );
    assert.match(headers, /^List-Id: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <digest\.example\.org>$/im);
    assert.match(headers, /^Message-ID: <digest-2024-07-15-\d+-[0-9a-f]+@example\.org>$/im);
    assert.ok(String(alice.parsed.html).includes('爱丽丝，您好'));
    assert.ok(alice.parsed.text && /国际视野/.test(alice.parsed.text));
    assert.ok(!alice.raw.includes('%%DIGEST_'), 'no token left unfilled');

    // Published files.
    const issueDir = join(dir, 'out/issues/2024-07-15');
    for (const f of ['email.html', 'email.txt', 'index.html', 'issue.json']) assert.ok(existsSync(join(issueDir, f)), f);
    for (const f of ['index.html', 'feed.xml']) assert.ok(existsSync(join(dir, 'out', f)), f);
    const issueJson = JSON.parse(readFileSync(join(issueDir, 'issue.json'), 'utf8'));
    assert.equal(issueJson.number, 1);
    assert.equal(issueJson.totalNumber, 1);
    assert.ok(issueJson.window.from < issueJson.window.to);
    const items = issueJson.sections.flatMap((s: { items: { reason: string; title: string }[] }) => s.items);
    // 60 news items of the samples and the 4 图书推荐 book entries of the inbox. (The shipped
    // default sections, used here, have no 图书推荐 section: config/digest.yaml has one.)
    assert.equal(items.length, 64);
    assert.ok(items.every((i: { reason: string }) => i.reason.length > 0));

    // Second run the same day: the issue exists, nothing is sent again.
    const second = await runCli(['run', '--config', file], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /issue 2024-07-15 exists already/);
    assert.match(second.stdout, /0 submitted/);
    assert.equal(smtp.received.length, 2);
  });

  test('digest run without SMTP writes the outbox', async () => {
    const { dir, file } = sampleConfig();
    const { env } = await location(dir, NOW);
    const r = await runCli(['run', '--config', file], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /热点关注: \d+/);
    assert.match(r.stdout, /2 submitted/);
    const outbox = join(dir, 'out/outbox/2024-07-15');
    const emls = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    assert.equal(emls.length, 2);
    const eml = readFileSync(join(outbox, emls[0]!), 'utf8');
    assert.match(eml, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
  });
});

test('bad config exits 2 and names the key', async () => {
  const { file } = sampleConfig({ selection: { maxAgeDays: -1 } });
  const r = await runCli(['run', '--config', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /selection\.maxAgeDays/);
});

test('unknown command and bad option exit 2', async () => {
  assert.equal((await runCli(['frobnicate'])).code, 2);
  const r = await runCli(['run', '--nope']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--nope/);
});
