/**
 * Crash safety through the real CLI: `digest send` is killed with SIGKILL in
 * the middle of a send, then `digest send` runs again. The test SMTP server
 * records the Message-IDs each recipient received.
 *
 * 1. Killed while four transactions wait for the server's final reply: the
 *    ledger shows them `sending`; the resumed send delivers them (with the
 *    Message-IDs they had) and everyone else: each subscriber exactly one
 *    message, nobody missed.
 * 2. Killed the instant the server accepted a message, before the client can
 *    record it (the one window SMTP cannot close): nobody is missed, and any
 *    repeat carries the same Message-ID as the first copy, so receivers fold
 *    it (README "Exactly once").
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import Database from 'better-sqlite3';
import { ROOT, runCli } from '../helpers/cli.ts';
import { sampleConfig, TEST_SECRET } from '../helpers/config.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { tempDir } from '../helpers/tmp.ts';

const DATE = '2024-07-15';
const env = { DIGEST_NOW: '2024-07-15T00:30:00Z' };
const SUBSCRIBERS = 40;
const builtDir = mkdtempSync(join(tmpdir(), 'digest-kill-'));
const builtDb = join(builtDir, 'digest.db');
afterAll(() => rmSync(builtDir, { recursive: true, force: true }));

beforeAll(async () => {
  // One issue and 40 subscribers, built once and copied for each test.
  const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => ({ email: `s${i + 1}@example.org`, name: `读者${i + 1}` }));
  const { file } = sampleConfig({ store: { path: builtDb }, subscribers });
  const r = await runCli(['run', '--no-send', '--date', DATE, '--config', file], { env });
  assert.equal(r.code, 0, r.stderr);
});

/** A config using a copy of the built store and this SMTP server (4 connections). */
function configFor(smtp: TestSmtp): { file: string; db: string } {
  const db = join(tempDir(), 'digest.db');
  copyFileSync(builtDb, db);
  const { file } = sampleConfig({
    store: { path: db },
    subscribers: [],
    delivery: {
      from: '信息摘编 <digest@example.org>',
      unsubscribeSecret: TEST_SECRET,
      retryDelaySeconds: 0.01,
      smtp: { url: smtp.url, maxConnections: 4 },
    },
  });
  return { file, db };
}

function startSend(file: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [`${ROOT}bin/digest.js`, 'send', '--issue', DATE, '--config', file], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  return { child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

function ledger(db: string): Record<string, number> {
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn.prepare('SELECT status, count(*) AS n FROM deliveries WHERE issue_date = ? GROUP BY status').all(DATE) as {
      status: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  } finally {
    conn.close();
  }
}

/** Assert nobody was missed and every repeat has its first copy's Message-ID; returns how many repeats there were. */
function everyoneOnceOrRepeated(smtp: TestSmtp): number {
  const byRecipient = smtp.messageIdsByRecipient();
  assert.equal(byRecipient.size, SUBSCRIBERS, 'nobody missed');
  let repeats = 0;
  for (const [to, ids] of byRecipient) {
    assert.equal(new Set(ids).size, 1, `${to}: every copy has the same Message-ID`);
    repeats += ids.length - 1;
  }
  return repeats;
}

function runStatuses(db: string): string[] {
  const conn = new Database(db, { readonly: true });
  try {
    return (conn.prepare('SELECT status FROM send_runs WHERE issue_date = ? ORDER BY id').all(DATE) as { status: string }[]).map(
      (r) => r.status,
    );
  } finally {
    conn.close();
  }
}

test('kill -9 with transactions in flight, then digest send: every subscriber exactly once', async (t) => {
  const ACCEPT = 12;
  const smtp = await startSmtp({ parse: false, data: ({ n }) => (n <= ACCEPT ? 'accept' : 'hold') });
  t.onTestFinished(() => smtp.close());
  const { file, db } = configFor(smtp);

  const { child, exited } = startSend(file);
  t.onTestFinished(() => void child.kill('SIGKILL'));
  // Twelve accepted, and all four connections waiting for the reply to their message.
  await smtp.waitFor(() => smtp.received.length === ACCEPT && smtp.held.length === 4);
  await smtp.waitFor(() => ledger(db).sent === ACCEPT);
  child.kill('SIGKILL');
  await exited;
  assert.deepEqual(
    ledger(db),
    { sent: ACCEPT, sending: 4, pending: SUBSCRIBERS - ACCEPT - 4 },
    'recorded before and after each transaction',
  );
  // The run's own counters were written with each outcome: they agree with the ledger, not a batch behind.
  const conn = new Database(db, { readonly: true });
  const run = conn.prepare('SELECT status, submitted, remaining FROM send_runs WHERE issue_date = ?').get(DATE);
  conn.close();
  assert.deepEqual(run, { status: 'running', submitted: ACCEPT, remaining: SUBSCRIBERS - ACCEPT });

  smtp.options.data = undefined; // the server accepts everything now
  const resumed = await runCli(['send', '--issue', DATE, '--config', file, '--json'], { env });
  assert.equal(resumed.code, 0, resumed.stderr);
  const summary = JSON.parse(resumed.stdout).send;
  assert.equal(summary.status, 'completed');
  assert.equal(summary.resumed, 4);
  assert.equal(summary.alreadySent, ACCEPT);
  assert.equal(summary.submitted, SUBSCRIBERS - ACCEPT);

  const byRecipient = smtp.messageIdsByRecipient();
  assert.equal(byRecipient.size, SUBSCRIBERS, 'nobody missed');
  for (const [to, ids] of byRecipient) assert.equal(ids.length, 1, `${to} got ${ids.length} copies`);
  const accepted = new Set([...byRecipient.values()].flat());
  for (const id of smtp.held) assert.ok(accepted.has(id), `the interrupted message ${id} went out again with the same Message-ID`);
  assert.deepEqual(ledger(db), { sent: SUBSCRIBERS });
  assert.deepEqual(runStatuses(db), ['interrupted', 'completed']);
});

test('kill -9 right after the server accepted a message: nobody missed, any repeat has the same Message-ID', async (t) => {
  let child: ChildProcess | undefined;
  const smtp = await startSmtp({ parse: false, onAccepted: () => smtp.received.length === 9 && child?.kill('SIGKILL') });
  t.onTestFinished(() => smtp.close());
  const { file, db } = configFor(smtp);
  const run = startSend(file);
  child = run.child;
  t.onTestFinished(() => void run.child.kill('SIGKILL'));
  await run.exited;
  const atKill = ledger(db);
  assert.ok((atKill.sending ?? 0) <= 4, 'at most one row per connection in doubt');

  const resumed = await runCli(['send', '--issue', DATE, '--config', file, '--json'], { env });
  assert.equal(resumed.code, 0, resumed.stderr);
  const summary = JSON.parse(resumed.stdout).send;
  assert.equal(summary.resumed, atKill.sending ?? 0);

  const repeats = everyoneOnceOrRepeated(smtp);
  assert.ok(repeats <= summary.resumed, `${repeats} repeat(s), all among the ${summary.resumed} rows left in doubt`);
  t.annotate(`left in doubt by the kill: ${summary.resumed}; delivered twice (same Message-ID): ${repeats}`);
  assert.deepEqual(ledger(db), { sent: SUBSCRIBERS });
});

test('SIGSTOP past the lease, another send takes over, SIGCONT: the first exits 1 saying so, and sends nobody twice but its in-flight (issue 15 item 12)', async (t) => {
  const ACCEPT = 8;
  const smtp = await startSmtp({ parse: false, data: ({ n }) => (n <= ACCEPT ? 'accept' : 'hold') });
  t.onTestFinished(() => smtp.close());
  const { file, db } = configFor(smtp);
  const first = spawn(process.execPath, [`${ROOT}bin/digest.js`, 'send', '--issue', DATE, '--config', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  t.onTestFinished(() => void first.kill('SIGKILL'));
  let stderr = '';
  first.stderr!.on('data', (d: Buffer) => (stderr += d));
  const firstExit = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
  await smtp.waitFor(() => smtp.received.length === ACCEPT && smtp.held.length === 4);
  await smtp.waitFor(() => ledger(db).sent === ACCEPT);
  first.kill('SIGSTOP');
  // Stopped longer than its leases last: rather than wait the minutes out, let them expire in the store.
  const conn = new Database(db);
  conn.prepare("UPDATE locks SET expires_at = '2000-01-01T00:00:00.000Z'").run();
  conn.close();

  smtp.options.data = undefined;
  const second = await runCli(['send', '--issue', DATE, '--config', file, '--json'], { env });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(JSON.parse(second.stdout).send.status, 'completed');
  assert.deepEqual(ledger(db), { sent: SUBSCRIBERS });

  // The stopped process's four transactions get their 250 late, then it runs on.
  smtp.releaseHeld('accept');
  first.kill('SIGCONT');
  assert.equal(await firstExit, 1, stderr);
  assert.match(stderr, /taken over by another process/);
  assert.doesNotMatch(stderr, /stopped early/);

  const repeats = everyoneOnceOrRepeated(smtp);
  // Only the four messages that were in flight when it stopped went out twice; every row it had read
  // but not yet sent was claimed by the other process and is not sent again.
  assert.equal(repeats, 4);
  assert.deepEqual(ledger(db), { sent: SUBSCRIBERS }, 'late replies do not overwrite the ledger');
});
