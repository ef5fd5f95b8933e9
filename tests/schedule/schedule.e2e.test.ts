/**
 * `digest schedule` for real: a child process with a per-second cron, the
 * sample sources copied to a temp folder, a real SMTP server. However many
 * ticks fire, exactly one issue is built and each subscriber gets exactly one
 * message; SIGTERM ends it with exit code 0. Also: two schedulers on one store,
 * and the approval flow through `digest approve`. On both stores: the SQLite
 * file (the one-cycle-at-a-time lock a lease), and PostgreSQL
 * ($DIGEST_STORE_URL: the lock a session advisory lock, the send through the
 * job queue).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { openStore } from '../../src/store/index.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { CLI_STORES } from '../helpers/cli-stores.ts';
import { sampleConfig, TEST_SECRET } from '../helpers/config.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { tempDir } from '../helpers/tmp.ts';

// The job queue on PostgreSQL: a block stopped by SIGTERM is taken again at once by the next start; quick polling.
const QUEUE = { retryDelaySeconds: 0, maintenanceSeconds: 1, pollSeconds: 0.1 };

/** A temp config: per-second cron, the samples copied to a temp dir, delivery over `smtp`. */
function scheduleConfig(
  smtp: Pick<TestSmtp, 'url'>,
  schedule: Record<string, unknown> = {},
  more: { subscribers?: unknown[]; smtp?: Record<string, unknown> } = {},
) {
  const samples = tempDir();
  cpSync(join(ROOT, 'config/samples'), samples, { recursive: true });
  return sampleConfig({
    schedule: { cron: '* * * * * *', checkSeconds: 1, ...schedule },
    sources: [
      { id: 'policy', type: 'rss', name: '政策速递', url: join(samples, 'feeds/policy.rss') },
      { id: 'world', type: 'rss', name: '国际视野样例', url: join(samples, 'feeds/world-gbk.rss') },
      { id: 'regions', type: 'rss', name: '地方动态样例', url: join(samples, 'feeds/regions.atom') },
      { id: 'inbox', type: 'inbox', path: join(samples, 'inbox') },
    ],
    delivery: {
      from: '信息摘编 <digest@example.org>',
      unsubscribeSecret: TEST_SECRET,
      smtp: more.smtp ?? { url: smtp.url, pool: false },
      queue: QUEUE,
    },
    ...(more.subscribers ? { subscribers: more.subscribers } : {}),
  });
}

/** A running `digest schedule`. */
interface Daemon {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<number | null>;
}

function startSchedule(file: string, env: Record<string, string>): Daemon {
  const child = spawn(process.execPath, [join(ROOT, 'bin/digest.js'), 'schedule', '--config', file], {
    cwd: ROOT,
    env: { ...process.env, ...env, DIGEST_NOW: '', DIGEST_LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => err, exit };
}

async function until(what: string, cond: () => boolean, timeoutMs = 150_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Wait until the daemon has decided on `n` more wake-ups (cron ticks or periodic checks) than so far. */
async function moreWakeUps(daemon: { stderr: () => string }, n = 2): Promise<void> {
  const count = () => (daemon.stderr().match(/"trigger":"/g) ?? []).length;
  const start = count();
  await until(`${n} more wake-ups`, () => count() >= start + n);
}

/** What the store (`where`: file or URL) holds after the run, read through its repositories. */
function storeFacts(where: string) {
  const store = openStore(where);
  try {
    const issues = store.issues.recent(100);
    const subscribers = store.subscribers.page(0, 1000);
    const deliveries = issues
      .flatMap((i) => subscribers.map((s) => store.deliveries.get(i.date, s.id)))
      .filter((d) => d !== undefined)
      .map((d) => ({ email: d.email, status: d.status }))
      .sort((a, b) => a.email.localeCompare(b.email));
    return {
      issues,
      deliveries,
      runs: store.runs.latest(100).reverse(),
      locks: ['cycle', ...issues.map((i) => `send:${i.date}`)].filter((name) => store.locks.get(name)),
    };
  } finally {
    store.close();
  }
}

const recipients = (smtp: TestSmtp) => smtp.received.map((m) => m.envelopeTo[0]).sort();

/** Wait for both subscribers' messages, let the daemon wake up twice more (nothing more may go out), stop it (exit 0). */
async function bothSentThenStop(daemon: Daemon, smtp: TestSmtp): Promise<void> {
  await until('both messages', () => smtp.received.length >= 2);
  await moreWakeUps(daemon);
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exit, 0, daemon.stderr());
  assert.deepEqual(recipients(smtp), ['alice@example.org', 'bob@example.org']);
}

// Each test has its own store, SMTP server and processes; they mostly wait on ticks, so run them side by side.
describe.each(CLI_STORES)('$store store', ({ location }) => {
  describe.concurrent('digest schedule', () => {
    test('digest schedule with a per-second cron: one issue, one message per subscriber, SIGTERM exits 0', async (t) => {
      const smtp = await startSmtp();
      t.onTestFinished(() => smtp.close());
      const { dir, file } = scheduleConfig(smtp);
      const { where, env } = await location(dir);
      const daemon = startSchedule(file, env);
      t.onTestFinished(() => void daemon.child.kill('SIGKILL'));
      // More ticks and checks must not build or send anything again.
      await bothSentThenStop(daemon, smtp);
      const facts = storeFacts(where);
      assert.equal(facts.issues.length, 1);
      assert.equal(facts.issues[0]!.status, 'sent');
      assert.deepEqual(facts.deliveries, [
        { email: 'alice@example.org', status: 'sent' },
        { email: 'bob@example.org', status: 'sent' },
      ]);
      assert.deepEqual(
        facts.runs.map((r) => [r.kind, r.status]),
        [['schedule', 'ok']],
      );
      assert.deepEqual(facts.locks, [], 'the lock is released');

      // stderr is not a TTY here: JSON lines, the run's records carrying its id.
      const records = daemon
        .stderr()
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: string; msg: string; runId?: string });
      const runId = facts.runs[0]!.id;
      assert.ok(
        records.some((r) => r.runId === runId && r.msg === 'run ok'),
        'run ok logged with the run id',
      );
      assert.ok(records.some((r) => /SIGTERM received/.test(r.msg)));
      assert.ok(!records.some((r) => r.level === 'error'), 'no errors logged');
    });

    test('two digest schedule processes on one store still make one issue and one message each', async (t) => {
      const smtp = await startSmtp();
      t.onTestFinished(() => smtp.close());
      const { dir, file } = scheduleConfig(smtp);
      const { where, env } = await location(dir);
      const daemons = [startSchedule(file, env), startSchedule(file, env)];
      t.onTestFinished(() => {
        for (const d of daemons) d.child.kill('SIGKILL');
      });
      await until('both messages', () => smtp.received.length >= 2);
      for (const d of daemons) await moreWakeUps(d);
      daemons[0]!.child.kill('SIGTERM');
      daemons[1]!.child.kill('SIGINT');
      assert.deepEqual(await Promise.all(daemons.map((d) => d.exit)), [0, 0], daemons.map((d) => d.stderr()).join('\n'));
      assert.deepEqual(recipients(smtp), ['alice@example.org', 'bob@example.org']);
      const facts = storeFacts(where);
      assert.equal(facts.issues.length, 1);
      assert.deepEqual(
        facts.runs.map((r) => r.status),
        ['ok'],
      );
    });

    test('with requireApproval the scheduled run builds a draft; digest approve lets it go out at the next check', async (t) => {
      const smtp = await startSmtp();
      t.onTestFinished(() => smtp.close());
      const { dir, file } = scheduleConfig(smtp, { requireApproval: true });
      const { where, env } = await location(dir);
      const daemon = startSchedule(file, env);
      t.onTestFinished(() => void daemon.child.kill('SIGKILL'));
      await until('the draft', () => /"run waiting"/.test(daemon.stderr()));
      await moreWakeUps(daemon);
      assert.equal(smtp.received.length, 0, 'nothing is sent before approval');
      const status = await runCli(['status', '--config', file, '--json'], { env });
      assert.equal(status.code, 0, status.stderr);
      const report = JSON.parse(status.stdout).status;
      assert.equal(report.pending.length, 1);
      assert.equal(report.pending[0].status, 'draft');

      const approve = await runCli(['approve', '--config', file], { env });
      assert.equal(approve.code, 0, approve.stderr);
      assert.match(approve.stdout, /approved the issue of \d{4}-\d{2}-\d{2}/);
      await bothSentThenStop(daemon, smtp);
      const facts = storeFacts(where);
      assert.deepEqual(
        facts.issues.map((i) => i.status),
        ['sent'],
      );
      assert.deepEqual(facts.runs.map((r) => r.status).sort(), ['ok', 'waiting']);
    });

    /**
     * An SMTP server that accepts the first message at once and holds every later one (after DATA)
     * until `release()`, so a send can be stopped with a message in flight.
     */
    async function gatedSmtp(): Promise<{ url: string; received: string[]; held: () => number; release(): void; close(): Promise<void> }> {
      const received: string[] = [];
      let held = 0;
      let open = false;
      const waiting: (() => void)[] = [];
      const server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onData(stream, session, cb) {
          stream.resume();
          stream.on('end', () => {
            const accept = () => {
              received.push(session.envelope.rcptTo[0]!.address);
              cb();
            };
            if (open || received.length === 0) return accept();
            held++;
            waiting.push(accept);
          });
        },
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.server.address() as AddressInfo).port;
      return {
        url: `smtp://127.0.0.1:${port}`,
        received,
        held: () => held,
        release() {
          open = true;
          for (const accept of waiting.splice(0)) accept();
        },
        close: () => new Promise((r) => server.close(() => r())),
      };
    }

    test('SIGTERM during a send finishes the recipient in flight and exits 0; the next start resumes without duplicates', async (t) => {
      const smtp = await gatedSmtp();
      t.onTestFinished(() => smtp.close());
      const emails = Array.from({ length: 6 }, (_, i) => `reader${i + 1}@example.org`);
      const { dir, file } = scheduleConfig(
        smtp,
        {},
        { subscribers: emails.map((email) => ({ email })), smtp: { url: smtp.url, pool: false, maxConnections: 1 } },
      );
      const { where, env } = await location(dir);
      const first = startSchedule(file, env);
      t.onTestFinished(() => void first.child.kill('SIGKILL'));
      await until('the first message, and the second in flight', () => smtp.received.length === 1 && smtp.held() === 1);
      first.child.kill('SIGTERM');
      await until('the signal noticed', () => /SIGTERM received/.test(first.stderr()));
      smtp.release();
      assert.equal(await first.exit, 0, first.stderr());
      const stopped = storeFacts(where);
      const sentBefore = smtp.received.length;
      assert.equal(sentBefore, 2, 'the message in flight was finished, and no other was started');
      assert.equal(stopped.deliveries.filter((d) => d.status === 'sent').length, sentBefore, 'the ledger matches what the server accepted');
      assert.equal(stopped.deliveries.filter((d) => d.status === 'sending').length, 0, 'nothing left in flight');
      assert.deepEqual(
        stopped.runs.map((r) => r.status),
        ['interrupted'],
      );

      const second = startSchedule(file, env);
      t.onTestFinished(() => void second.child.kill('SIGKILL'));
      await until('all six messages', () => smtp.received.length >= 6);
      await moreWakeUps(second);
      second.child.kill('SIGTERM');
      assert.equal(await second.exit, 0, second.stderr());
      assert.deepEqual([...smtp.received].sort(), emails, 'each subscriber exactly once');
      const done = storeFacts(where);
      assert.deepEqual(
        done.issues.map((i) => i.status),
        ['sent'],
      );
      assert.deepEqual(done.runs.map((r) => r.status).sort(), ['interrupted', 'ok']);
    });
  });
});
