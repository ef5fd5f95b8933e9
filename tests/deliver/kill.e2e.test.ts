/**
 * Crash safety through the real CLI: `digest send` is killed with SIGKILL in
 * the middle of a send, then `digest send` runs again. The test SMTP server
 * records the Message-IDs each recipient received. On both stores: the SQLite
 * file, and PostgreSQL, where `digest send` sends through the job queue
 * (blocks of 20 subscribers, a short job expiry: the killed process's block
 * goes to the next sender once its job expires).
 *
 * 1. Killed while four transactions wait for the server's final reply: the
 *    ledger shows them `sending`; the resumed send delivers them (with the
 *    Message-IDs they had) and everyone else: each subscriber exactly one
 *    message, nobody missed.
 * 2. Killed the instant the server accepted a message, before the client can
 *    record it (the one window SMTP cannot close): nobody is missed, and any
 *    repeat carries the same Message-ID as the first copy, so receivers fold
 *    it (README "Exactly once").
 * 3. Stopped (SIGSTOP) until another sender may take its recipients over,
 *    which finishes the issue; resumed (SIGCONT), the first sends nobody twice
 *    but its four messages in flight, and says what happened.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test, type TestContext } from 'vitest';
import { openSqliteStore, openStore, type Store } from '../../src/store/index.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { CLI_STORES } from '../helpers/cli-stores.ts';
import { sampleConfig, TEST_SECRET } from '../helpers/config.ts';
import { copyDatabase, freshDatabase } from '../helpers/postgres.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { tempDir } from '../helpers/tmp.ts';

const DATE = '2024-07-15';
const env = { DIGEST_NOW: '2024-07-15T00:30:00Z' };
const SUBSCRIBERS = 40;
const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => ({ email: `s${i + 1}@example.org`, name: `读者${i + 1}` }));

// PostgreSQL's job queue: two blocks of 20 (the kills below happen within the first, which one sender has at a time,
// with its four connections all busy), a short expiry (a killed or stopped sender's block goes to another after 20 s),
// quick maintenance and polling. A sender stops taking recipients at 80% of the expiry: the first sends below must
// reach their kill point within 16 s of taking the job, which a loaded 2-core machine does with a wide margin
// (about a second quiet); a shorter expiry would make the test depend on the machine's speed.
const QUEUE = { batchSize: 20, expireSeconds: 20, retryDelaySeconds: 0, retryLimit: 100, maintenanceSeconds: 1, pollSeconds: 0.1 };

describe.each(CLI_STORES)('$store store', ({ store: kind }) => {
  const builtDir = mkdtempSync(join(tmpdir(), 'digest-kill-'));
  /** The store with the issue built: a SQLite file, or a PostgreSQL database copied for each test. */
  let built: string;
  afterAll(() => rmSync(builtDir, { recursive: true, force: true }));

  beforeAll(async () => {
    // One issue and 40 subscribers, built once per store and copied for each test.
    built = kind === 'sqlite' ? join(builtDir, 'digest.db') : await freshDatabase();
    const { file } = sampleConfig({ store: storeSetting(built), subscribers });
    const r = await runCli(['run', '--no-send', '--date', DATE, '--config', file], { env });
    assert.equal(r.code, 0, r.stderr);
  });

  /** The config's `store`: the SQLite file, or the PostgreSQL URL (with a path it never opens). */
  function storeSetting(where: string): Record<string, string> {
    return kind === 'sqlite' ? { path: where } : { path: join(builtDir, 'unused.db'), url: where };
  }

  /** A config using a copy of the built store and this SMTP server (4 connections); `store` is open on that copy. */
  async function configFor(t: TestContext, smtp: TestSmtp): Promise<{ file: string; where: string; store: Store }> {
    let where: string;
    if (kind === 'sqlite') {
      where = join(tempDir(), 'digest.db');
      copyFileSync(built, where);
    } else where = await copyDatabase(built);
    const { file } = sampleConfig({
      store: storeSetting(where),
      subscribers: [],
      delivery: {
        from: '信息摘编 <digest@example.org>',
        unsubscribeSecret: TEST_SECRET,
        retryDelaySeconds: 0.01,
        smtp: { url: smtp.url, maxConnections: 4 },
        ...(kind === 'postgres' ? { queue: QUEUE } : {}),
      },
    });
    const store = openStore(where);
    t.onTestFinished(() => store.close());
    return { file, where, store };
  }

  function startSend(file: string): { child: ChildProcess; exited: Promise<number | null> } {
    const child = spawn(process.execPath, [`${ROOT}bin/digest.js`, 'send', '--issue', DATE, '--config', file], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    return { child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  }

  /** The delivery rows by status (statuses with none left out). */
  function ledger(store: Store): Record<string, number> {
    return Object.fromEntries(Object.entries(store.deliveries.totals(DATE)).filter(([, n]) => n > 0));
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

  test('kill -9 with transactions in flight, then digest send: every subscriber exactly once', async (t) => {
    const ACCEPT = 12;
    const smtp = await startSmtp({ parse: false, data: ({ n }) => (n <= ACCEPT ? 'accept' : 'hold') });
    t.onTestFinished(() => smtp.close());
    const { file, store } = await configFor(t, smtp);

    const { child, exited } = startSend(file);
    t.onTestFinished(() => void child.kill('SIGKILL'));
    // Twelve accepted, and all four connections waiting for the reply to their message.
    await smtp.waitFor(() => smtp.received.length === ACCEPT && smtp.held.length === 4);
    await smtp.waitFor(() => ledger(store).sent === ACCEPT);
    child.kill('SIGKILL');
    await exited;
    assert.deepEqual(
      ledger(store),
      { sent: ACCEPT, sending: 4, pending: SUBSCRIBERS - ACCEPT - 4 },
      'recorded before and after each transaction',
    );
    const [run] = store.deliveries.runs(DATE);
    if (kind === 'sqlite') {
      // The run's own counters were written with each outcome: they agree with the ledger, not a batch behind.
      assert.deepEqual(
        { status: run!.status, submitted: run!.submitted, remaining: run!.remaining },
        { status: 'running', submitted: ACCEPT, remaining: SUBSCRIBERS - ACCEPT },
      );
    } else {
      // Through the job queue any number of senders share an issue: a run's counters are read from the ledger when
      // it ends, so the killed run's row says only that it was running (digest status reads the ledger itself).
      assert.deepEqual({ status: run!.status, submitted: run!.submitted }, { status: 'running', submitted: 0 });
    }

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
    assert.deepEqual(ledger(store), { sent: SUBSCRIBERS });
    assert.deepEqual(
      store.deliveries.runs(DATE).map((r) => r.status),
      ['interrupted', 'completed'],
    );
  });

  test('kill -9 right after the server accepted a message: nobody missed, any repeat has the same Message-ID', async (t) => {
    let child: ChildProcess | undefined;
    const smtp = await startSmtp({ parse: false, onAccepted: () => smtp.received.length === 9 && child?.kill('SIGKILL') });
    t.onTestFinished(() => smtp.close());
    const { file, store } = await configFor(t, smtp);
    const run = startSend(file);
    child = run.child;
    t.onTestFinished(() => void run.child.kill('SIGKILL'));
    await run.exited;
    const atKill = ledger(store);
    assert.ok((atKill.sending ?? 0) <= 4, 'at most one row per connection in doubt');

    const resumed = await runCli(['send', '--issue', DATE, '--config', file, '--json'], { env });
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout).send;
    assert.equal(summary.resumed, atKill.sending ?? 0);

    const repeats = everyoneOnceOrRepeated(smtp);
    assert.ok(repeats <= summary.resumed, `${repeats} repeat(s), all among the ${summary.resumed} rows left in doubt`);
    t.annotate(`left in doubt by the kill: ${summary.resumed}; delivered twice (same Message-ID): ${repeats}`);
    assert.deepEqual(ledger(store), { sent: SUBSCRIBERS });
  });

  test('SIGSTOP until another send may take over, SIGCONT: the first sends nobody twice but its in-flight, and says so (issue 15 item 12)', async (t) => {
    const ACCEPT = 8;
    const smtp = await startSmtp({ parse: false, data: ({ n }) => (n <= ACCEPT ? 'accept' : 'hold') });
    t.onTestFinished(() => smtp.close());
    const { file, where, store } = await configFor(t, smtp);
    const first = spawn(process.execPath, [`${ROOT}bin/digest.js`, 'send', '--issue', DATE, '--config', file], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    t.onTestFinished(() => void first.kill('SIGKILL'));
    let stderr = '';
    first.stderr!.on('data', (d: Buffer) => (stderr += d));
    const firstExit = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    await smtp.waitFor(() => smtp.received.length === ACCEPT && smtp.held.length === 4);
    await smtp.waitFor(() => ledger(store).sent === ACCEPT);
    first.kill('SIGSTOP');
    if (kind === 'sqlite') {
      // Stopped longer than its leases last: rather than wait the minutes out, let them expire in the store.
      const sqlite = openSqliteStore(where);
      sqlite.db.prepare("UPDATE locks SET expires_at = '2000-01-01T00:00:00.000Z'").run();
      sqlite.close();
    }
    // On PostgreSQL the stopped process keeps its connection and advisory locks; what it loses is its job: the
    // second send sends the other block, then waits until the stopped one's job expires and pg-boss gives it over.

    smtp.options.data = undefined;
    const second = await runCli(['send', '--issue', DATE, '--config', file, '--json'], { env });
    assert.equal(second.code, 0, second.stderr);
    const summary = JSON.parse(second.stdout).send;
    assert.equal(summary.status, 'completed');
    assert.equal(summary.resumed, 4, 'the stopped process’s messages in flight are in doubt: sent again');
    assert.deepEqual(ledger(store), { sent: SUBSCRIBERS });

    // The stopped process's four transactions get their 250 late, then it runs on.
    smtp.releaseHeld('accept');
    first.kill('SIGCONT');
    if (kind === 'sqlite') {
      // Its lease renewal finds the lease another's: it stops and fails the run.
      assert.equal(await firstExit, 1, stderr);
      assert.match(stderr, /taken over by another process/);
      assert.doesNotMatch(stderr, /stopped early/);
    } else {
      // Its job's deadline (a share of the expiry) passed while it was stopped: it takes no further recipient of
      // the block and leaves the job to pg-boss, saying so. The issue is complete in the ledger, so it exits 0.
      assert.equal(await firstExit, 0, stderr);
      assert.match(stderr, /job outlived its expiry/);
    }

    const repeats = everyoneOnceOrRepeated(smtp);
    // Only the four messages that were in flight when it stopped went out twice; every row it had read
    // but not yet sent was claimed by the other process and is not sent again.
    assert.equal(repeats, 4);
    assert.deepEqual(ledger(store), { sent: SUBSCRIBERS }, 'late replies do not overwrite the ledger');
  });
});
