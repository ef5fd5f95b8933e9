/**
 * The delivery commands through the real CLI: `digest subscribers …` (with a
 * streamed CSV import that reports bad rows by line) and `digest send --to`
 * (a test copy that touches no delivery record), then the real send.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { parse, stringify } from 'yaml';
import Database from 'better-sqlite3';
import type { OptionValues } from '../../src/cli/command.ts';
import { command as subscribers } from '../../src/cli/commands/subscribers.ts';
import { openContext } from '../../src/cli/context.ts';
import { runCli } from '../helpers/cli.ts';
import { sampleConfig, TEST_SECRET } from '../helpers/config.ts';
import { startSmtp } from '../helpers/smtp.ts';

const env = { DIGEST_NOW: '2024-07-15T00:30:00Z' };

test('digest subscribers: add, import (bad rows named by line), list, remove; leavers stay left', async (t) => {
  const { dir, file } = sampleConfig({ subscribers: [] });
  // In-process for speed (the command module as the CLI runs it); exit codes and text output through the CLI below.
  const ctx = openContext({ config: file, json: true }, () => {});
  t.onTestFinished(() => ctx.store.close());
  const run = async (args: string[], values: OptionValues = {}) =>
    (await subscribers.run(ctx, args, values)).summary.subscribers as Record<string, unknown>;

  assert.equal((await run(['add', 'Zhang.San@Example.org', '张三'])).outcome, 'added');
  const bad = await runCli(['subscribers', 'add', 'zhang san@example', '--config', file]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"zhang san@example" is not a valid email address/);

  const csv = join(dir, 'list.csv');
  writeFileSync(
    csv,
    '\uFEFF' +
      [
        'name,status,email',
        '"Li, Si",,li.si@example.org',
        '王五,active,wang.wu@example.org',
        '"Multi',
        'line ""name""",active,multi@example.org',
        '前读者,unsubscribed,gone@example.org',
        '退信,bounced,bounced@example.org',
        'nobody,active,not-an-address',
        'odd,maybe,odd@example.org',
        '张三again,active,zhang.san@example.org',
        '',
      ].join('\r\n'),
  );
  const imported = await run(['import', csv]);
  assert.deepEqual(imported.counts, { added: 3, unsubscribed: 1, bounced: 1, updated: 1 });
  assert.equal(imported.rejected, 2);
  const errors = imported.errors as string[];
  assert.ok(errors[0]!.startsWith(`${csv}:8: `) && errors[0]!.includes('"not-an-address" is not a valid email address'), errors[0]);
  assert.ok(errors[1]!.startsWith(`${csv}:9: status "maybe" is not one of pending, active, unsubscribed, bounced, complained`), errors[1]);
  assert.equal(ctx.store.subscribers.find('multi@example.org')!.name, 'Multi\nline "name"');

  // A second import never resubscribes anyone who left.
  writeFileSync(csv, 'email,name\ngone@example.org,回来\nbounced@example.org,\n');
  assert.deepEqual((await run(['import', csv])).counts, { 'kept-unsubscribed': 1, 'kept-bounced': 1 });

  assert.equal((await run(['remove', 'wang.wu@example.org'])).removed, true);
  assert.equal(ctx.store.subscribers.find('wang.wu@example.org')!.status, 'unsubscribed');
  assert.equal((await run(['remove', 'nobody@example.org'])).removed, false);
  const active = (await subscribers.run(ctx, ['list'], { status: 'active' })).summary.subscribers as { email: string }[];
  assert.deepEqual(active.map((s) => s.email).sort(), ['Zhang.San@Example.org', 'li.si@example.org', 'multi@example.org']);
  await assert.rejects(subscribers.run(ctx, ['list'], { status: 'gone' }), /--status gone is not one of/);

  const list = await runCli(['subscribers', 'list', '--config', file]);
  assert.equal(list.code, 0, list.stderr);
  assert.ok(list.stdout.includes('gone@example.org\t前读者\tunsubscribed\tall\n'), list.stdout);
  assert.ok(list.stdout.endsWith('3 active, 0 pending, 2 unsubscribed, 1 bounced, 0 complained\n'), list.stdout);
});

test('digest subscribers import streams a large file', async () => {
  const { dir, file } = sampleConfig({ subscribers: [] });
  const csv = join(dir, 'big.csv');
  writeFileSync(csv, `email,name\n${Array.from({ length: 20000 }, (_, i) => `reader${i}@example.org,读者${i}`).join('\n')}\n`);
  const r = await runCli(['subscribers', 'import', csv, '--config', file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).subscribers.counts, { added: 20000 });
});

test('digest send --to sends one [TEST] copy and touches no delivery record; then the real send', async (t) => {
  const smtp = await startSmtp();
  t.onTestFinished(() => smtp.close());
  const { dir, file } = sampleConfig({
    delivery: { from: '信息摘编 <digest@example.org>', unsubscribeSecret: TEST_SECRET, smtp: { url: smtp.url, pool: false } },
  });
  const built = await runCli(['run', '--no-send', '--config', file], { env });
  assert.equal(built.code, 0, built.stderr);

  const copy = await runCli(['send', '--to', 'editor@example.org', '--config', file, '--json'], { env });
  assert.equal(copy.code, 0, copy.stderr);
  assert.equal(smtp.received.length, 1);
  assert.equal(smtp.received[0]!.envelopeTo[0], 'editor@example.org');
  assert.match(smtp.received[0]!.parsed.subject ?? '', /^\[TEST\] 信息摘编/);
  const db = new Database(join(dir, 'digest.db'), { readonly: true });
  t.onTestFinished(() => void db.close());
  assert.equal((db.prepare('SELECT count(*) AS n FROM deliveries').get() as { n: number }).n, 0, 'no delivery record');
  assert.equal((await runCli(['send', '--to', 'not an address', '--config', file], { env })).code, 1);

  const real = await runCli(['send', '--config', file, '--json'], { env });
  assert.equal(real.code, 0, real.stderr);
  const send = JSON.parse(real.stdout).send;
  assert.deepEqual([send.submitted, send.status], [2, 'completed']);
  assert.deepEqual(
    smtp.received
      .slice(1)
      .map((m) => m.envelopeTo[0])
      .sort(),
    ['alice@example.org', 'bob@example.org'],
  );
  const runs = db.prepare('SELECT status, submitted, retried, failed FROM send_runs').all();
  assert.deepEqual(runs, [{ status: 'completed', submitted: 2, retried: 0, failed: 0 }]);
});

test('digest send --to without SMTP writes the copy to outbox/<date>-test/', async () => {
  const { dir, file } = sampleConfig();
  assert.equal((await runCli(['run', '--no-send', '--config', file], { env })).code, 0);
  const r = await runCli(['send', '--to', 'editor@example.org', '--config', file], { env });
  assert.equal(r.code, 0, r.stderr);
  const folder = join(dir, 'out/outbox/2024-07-15-test');
  const files = readdirSync(folder);
  assert.equal(files.length, 1);
  assert.match(readFileSync(join(folder, files[0]!), 'latin1'), /^Subject: =\?UTF-8\?B\?/m);
  assert.throws(() => readdirSync(join(dir, 'out/outbox/2024-07-15')), /ENOENT/);
});

test('weak unsubscribe secrets: refused (exit 2) wherever signed links leave the machine; the outbox keeps the default', async (t) => {
  const smtp = await startSmtp();
  t.onTestFinished(() => smtp.close());
  // One store for all four secrets (the issue is built once; the config file changes): a send of a built issue is what must be refused.
  const { file } = sampleConfig();
  for (const weak of ['', 'x', 'change-me-digest-unsubscribe-secret', 'a'.repeat(40)]) {
    const config = parse(readFileSync(file, 'utf8'));
    writeFileSync(
      file,
      stringify({ ...config, delivery: { from: '信息摘编 <digest@example.org>', unsubscribeSecret: weak, smtp: { url: smtp.url } } }),
    );
    assert.equal((await runCli(['run', '--no-send', '--config', file], { env })).code, 0, 'building needs no secret');
    for (const args of [['send'], ['send', '--to', 'editor@example.org'], ['run']]) {
      const r = await runCli([...args, '--config', file], { env });
      assert.equal(r.code, 2, `${args.join(' ')} with ${JSON.stringify(weak)}`);
      assert.match(r.stderr, /delivery\.unsubscribeSecret/);
      assert.match(r.stderr, /openssl rand -base64 32/);
    }
  }
  assert.equal(smtp.received.length, 0, 'nothing was sent with a forgeable link');
  // No SMTP: the links stay in local .eml files, so a fresh clone's default still runs.
  const outbox = sampleConfig({
    delivery: { from: '信息摘编 <digest@example.org>', unsubscribeSecret: 'change-me-digest-unsubscribe-secret' },
  });
  const r = await runCli(['run', '--config', outbox.file], { env });
  assert.equal(r.code, 0, r.stderr);
});
