/**
 * Senders on several machines, through the real CLI (dist/): `digest send
 * --no-wait` plans and enqueues the issue's blocks on PostgreSQL's job queue
 * (pg-boss), three `digest worker` processes send them, and one is killed
 * (-9) in the middle of its block. Each worker talks to its own test SMTP
 * server, so the test knows who sent what. Every subscriber gets the issue;
 * the only copies twice are the killed worker's messages in flight, with the
 * same Message-ID; the killed worker's block is taken over by another once its
 * job expires (expiry kept short through `delivery.queue` in the config).
 * Also: enqueueing twice creates no job twice, `digest send` alone (no
 * worker) sends everything itself, and `digest worker` refuses the SQLite store.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { beforeAll, type TestContext, test } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';
import { sampleConfig, TEST_SECRET } from '../helpers/config.ts';
import { freshDatabase } from '../helpers/postgres.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { waitFor } from '../helpers/wait.ts';

const DATE = '2024-07-15';
const env = { DIGEST_NOW: '2024-07-15T00:30:00Z' };
const SUBSCRIBERS = 60;
const BATCH = 5;
const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => ({ email: `s${i + 1}@example.org`, name: `读者${i + 1}` }));

// The queue settings of these tests: small blocks, a short expiry, quick maintenance and polling.
const QUEUE = { batchSize: BATCH, expireSeconds: 10, retryDelaySeconds: 0, retryLimit: 100, maintenanceSeconds: 1, pollSeconds: 0.1 };

let pgUrl: string;
beforeAll(async () => {
  pgUrl = await freshDatabase();
});

/** A config on the PostgreSQL store `store` (ledger and job queue) sending to the SMTP server at `smtpUrl`. */
function configFor(smtpUrl: string, store: { path: string; url: string }): string {
  return sampleConfig({
    store,
    subscribers,
    delivery: {
      from: '信息摘编 <digest@example.org>',
      unsubscribeSecret: TEST_SECRET,
      retryDelaySeconds: 0.01,
      smtp: { url: smtpUrl, maxConnections: 2 },
      queue: QUEUE,
    },
  }).file;
}

/** A fresh PostgreSQL database with the issue built (`path`: the SQLite file the config names but never opens). */
async function builtIssue(): Promise<{ path: string; url: string }> {
  const url = await freshDatabase();
  const { dir } = sampleConfig();
  const store = { path: `${dir}/digest.db`, url };
  const { file } = sampleConfig({ store, subscribers });
  const r = await runCli(['run', '--no-send', '--date', DATE, '--config', file], { env });
  assert.equal(r.code, 0, r.stderr);
  return store;
}

/** Delivery totals of the issue, read through the CLI (whatever the store). */
async function ledger(file: string): Promise<Record<string, number>> {
  const r = await runCli(['status', '--json', '--config', file], { env });
  assert.equal(r.code, 0, r.stderr);
  const issue = JSON.parse(r.stdout).status.issues.find((i: { date: string }) => i.date === DATE);
  return Object.fromEntries(Object.entries(issue.deliveries as Record<string, number>).filter(([, n]) => n > 0));
}

/** Start `digest worker` with this config; its stderr (the log) is kept. */
function startWorker(t: TestContext, file: string): { child: ChildProcess; exited: Promise<number | null>; log: () => string } {
  const child = spawn(process.execPath, [`${ROOT}bin/digest.js`, 'worker', '--concurrency', '2', '--config', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  t.onTestFinished(() => void child.kill('SIGKILL'));
  return { child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))), log: () => log };
}

/** Message-IDs per recipient over several servers. */
function messageIds(servers: TestSmtp[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of servers) for (const [to, ids] of s.messageIdsByRecipient()) out.set(to, [...(out.get(to) ?? []), ...ids]);
  return out;
}

test('three workers, one killed -9 mid-block: everyone gets the issue, repeats only of its messages in flight, same Message-ID', async (t) => {
  const store = await builtIssue();
  const killedAt = 3;
  let victim: ChildProcess | undefined;
  // The victim is killed the instant its server accepted its third message (before it can record it).
  const a = await startSmtp({ parse: false, onAccepted: () => a.received.length === killedAt && victim?.kill('SIGKILL') });
  const b = await startSmtp({ parse: false });
  const c = await startSmtp({ parse: false });
  for (const s of [a, b, c]) t.onTestFinished(() => s.close());
  const files = [a, b, c].map((s) => configFor(s.url, store));

  const first = await runCli(['send', '--no-wait', '--issue', DATE, '--json', '--config', files[0]!], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(JSON.parse(first.stdout).send.queue, { created: SUBSCRIBERS / BATCH, requeued: 0, waited: false });
  const again = await runCli(['send', '--no-wait', '--issue', DATE, '--json', '--config', files[1]!], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout).send.queue, { created: 0, requeued: 0, waited: false }, 'enqueueing again creates nothing');

  const wa = startWorker(t, files[0]!);
  victim = wa.child;
  // The other two start once the victim is sending (it has a block), so that it is killed mid-block.
  await a.waitFor(() => a.received.length >= 1, 150_000);
  const wb = startWorker(t, files[1]!);
  const wc = startWorker(t, files[2]!);
  await wa.exited;
  assert.equal(wa.child.signalCode, 'SIGKILL');

  await waitFor(() => messageIds([a, b, c]).size === SUBSCRIBERS, 'every subscriber to get the issue', 150_000, 50);
  await waitFor(async () => (await ledger(files[1]!)).sent === SUBSCRIBERS, 'the ledger to show everyone sent', 150_000, 500);
  assert.deepEqual(await ledger(files[1]!), { sent: SUBSCRIBERS });
  // The worker that sent the last block marked the issue sent (nobody waited with digest send).
  const status = await runCli(['status', '--json', '--config', files[2]!], { env });
  assert.equal(JSON.parse(status.stdout).status.issues.find((i: { date: string }) => i.date === DATE).status, 'sent');

  const byRecipient = messageIds([a, b, c]);
  const atVictim = new Set(a.received.map((m) => m.envelopeTo[0]));
  let repeats = 0;
  for (const [to, ids] of byRecipient) {
    assert.equal(new Set(ids).size, 1, `${to}: every copy has the same Message-ID`);
    if (ids.length > 1) assert.ok(atVictim.has(to), `${to} got two copies, one from the killed worker`);
    repeats += ids.length - 1;
  }
  assert.ok(repeats <= 2, `${repeats} repeat(s): at most the killed worker's messages in flight (--concurrency 2)`);
  // Its block was unfinished (blocks of 5, killed at its 3rd message): the others took it over after the expiry.
  assert.ok(b.received.length + c.received.length >= SUBSCRIBERS - killedAt);
  assert.match(wb.log() + wc.log(), /"resumed":[1-9]|block sent/);
  t.annotate(`repeats (same Message-ID): ${repeats}; sent by the survivors: ${b.received.length} + ${c.received.length}`);

  // SIGTERM: the survivors finish what they have and exit 0.
  wb.child.kill('SIGTERM');
  wc.child.kill('SIGTERM');
  assert.equal(await wb.exited, 0, wb.log());
  assert.equal(await wc.exited, 0, wc.log());
  assert.match(wb.log(), /worker stopped/);
});

test('digest send with the PostgreSQL store and no worker sends everything itself, waiting for the queue', async () => {
  const store = await builtIssue();
  const smtp = await startSmtp({ parse: false });
  try {
    const file = configFor(smtp.url, store);
    const r = await runCli(['send', '--issue', DATE, '--json', '--config', file], { env });
    assert.equal(r.code, 0, r.stderr);
    const send = JSON.parse(r.stdout).send;
    assert.equal(send.status, 'completed');
    assert.equal(send.submitted, SUBSCRIBERS);
    assert.deepEqual(send.queue, { created: SUBSCRIBERS / BATCH, requeued: 0, waited: true });
    assert.equal(smtp.messageIdsByRecipient().size, SUBSCRIBERS);
    for (const [to, ids] of smtp.messageIdsByRecipient()) assert.equal(ids.length, 1, `${to} got ${ids.length}`);
    const status = await runCli(['status', '--json', '--config', file], { env });
    assert.equal(JSON.parse(status.stdout).status.issues.find((i: { date: string }) => i.date === DATE).status, 'sent');
    // Sending again finds nothing open: no job, nothing sent.
    const again = await runCli(['send', '--issue', DATE, '--json', '--config', file], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).send.submitted, 0);
    assert.equal(smtp.received.length, SUBSCRIBERS);
  } finally {
    await smtp.close();
  }
});

test('the relay down: digest send exits 1 naming it and fails nobody; run again once it is back, everyone gets it once', async () => {
  const store = await builtIssue();
  const smtp = await startSmtp({ parse: false });
  try {
    const down = configFor('smtp://127.0.0.1:9', store); // nothing listens on the discard port
    const r = await runCli(['send', '--issue', DATE, '--config', down], { env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /stopped: .*connection failures in a row/);
    assert.match(r.stderr, /nobody was marked failed/);
    assert.equal((await ledger(down)).failed, undefined, 'nobody failed');

    const back = await runCli(['send', '--issue', DATE, '--json', '--config', configFor(smtp.url, store)], { env });
    assert.equal(back.code, 0, back.stderr);
    assert.equal(JSON.parse(back.stdout).send.status, 'completed');
    assert.equal(smtp.messageIdsByRecipient().size, SUBSCRIBERS);
    for (const [to, ids] of smtp.messageIdsByRecipient()) assert.equal(ids.length, 1, `${to} got ${ids.length}`);
  } finally {
    await smtp.close();
  }
});

test('digest worker with the SQLite store exits 2 and says what to configure', async () => {
  const { file } = sampleConfig();
  const r = await runCli(['worker', '--config', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /needs the PostgreSQL store/);
  assert.match(r.stderr, /store\.url/);
  assert.ok(pgUrl);
});
