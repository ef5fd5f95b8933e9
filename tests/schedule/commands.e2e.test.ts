/**
 * The operations commands through the real CLI: `digest run` under the cycle
 * lock and in the run log, `schedule.minItems` and `--force`, `digest approve`,
 * `digest status`, and `digest schedule`'s catch-up at start. On both stores:
 * the SQLite file (the cycle lock a lease in its `locks` table), and
 * PostgreSQL ($DIGEST_STORE_URL; the cycle lock a session advisory lock).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { CLI_STORES } from '../helpers/cli-stores.ts';
import { sampleConfig } from '../helpers/config.ts';
import { waitFor } from '../helpers/wait.ts';

// 08:30 on 2024-07-15 in Shanghai: after that day's 07:00.
const NOW = { DIGEST_NOW: '2024-07-15T00:30:00Z' };

describe.each(CLI_STORES)('$store store', ({ location }) => {
  test('digest run: refused while another process holds the cycle lock; minItems skips; --force publishes; each run logged', async () => {
    const { dir, file } = sampleConfig({ schedule: { minItems: 1000 } });
    const { where, env } = await location(dir, NOW);
    // Another process holds the cycle lock (on PostgreSQL: this test's connection holds the advisory lock).
    const store = openStore(where);
    assert.equal(store.locks.tryAcquire('cycle', 'other-host:4242:beef', 60_000).ok, true);
    const refused = await runCli(['run', '--config', file], { env });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /another digest process \(other-host:4242:beef\) is building or sending/);
    assert.equal(store.issues.get('2024-07-15'), undefined, 'nothing built');
    store.locks.release('cycle', 'other-host:4242:beef');
    store.close();

    // schedule.minItems: 1000 — far more than the samples hold.
    const skipped = await runCli(['run', '--config', file], { env });
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stdout, /issue 2024-07-15: only \d+ item\(s\), fewer than schedule\.minItems \(skipped; .*--force/);
    assert.doesNotMatch(skipped.stdout, /submitted/);

    const forced = await runCli(['run', '--config', file, '--force', '--json'], { env });
    assert.equal(forced.code, 0, forced.stderr);
    const f = JSON.parse(forced.stdout);
    assert.equal(f.build.status, 'built');
    assert.equal(f.send.submitted, 2);
    assert.match(f.runId, /^\d{8}T\d{6}-[0-9a-f]{6}$/);

    const after = openStore(where);
    const runs = after.runs.latest(10).reverse();
    const lock = after.locks.get('cycle');
    after.close();
    assert.deepEqual(
      runs.map((r) => [r.kind, r.issueDate, r.status]),
      [
        ['run', '2024-07-15', 'skipped'],
        ['run', '2024-07-15', 'ok'],
      ],
    );
    assert.equal((runs[0]!.summary.build as { status: string }).status, 'too-few');
    assert.equal(runs[1]!.summary.force, true);
    assert.equal(runs[1]!.id, f.runId);
    assert.equal(lock, undefined, 'lock released');
    // stderr is a pipe: JSON log lines with the run id.
    const records = forced.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; runId?: string });
    assert.ok(records.some((r) => r.msg === 'run ok' && r.runId === f.runId));
  });

  test('digest status and digest approve', async () => {
    const { dir, file } = sampleConfig({ schedule: { requireApproval: true } });
    const { env } = await location(dir, NOW);
    assert.equal((await runCli(['run', '--config', file, '--no-send'], { env })).code, 0);
    const text = await runCli(['status', '--config', file], { env });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^now: 2024-07-15 08:30:00 \(Asia\/Shanghai\)$/m);
    assert.match(text.stdout, /^next scheduled run: 2024-07-16 07:00:00 \(cron "0 7 \* \* \*"\)$/m);
    assert.match(text.stdout, /^ {2}\d{8}T\d{6}-[0-9a-f]{6} {2}run {7}2024-07-15 {2}ok +2024-07-15 08:30:00 \(0s\) {2}build built$/m);
    assert.match(
      text.stdout,
      /^ {2}2024-07-15 {2}draft +built 2024-07-15 08:30:00 — waits for approval: digest approve --issue 2024-07-15$/m,
    );

    const approved = await runCli(['approve', '--config', file, '--json'], { env });
    assert.equal(approved.code, 0, approved.stderr);
    assert.deepEqual(JSON.parse(approved.stdout).approval, {
      date: '2024-07-15',
      status: 'approved',
      approvedAt: '2024-07-15T00:30:00.000Z',
      alreadyApproved: false,
    });

    assert.equal((await runCli(['send', '--config', file], { env })).code, 0);
    const after = JSON.parse((await runCli(['status', '--config', file, '--json'], { env })).stdout).status;
    assert.deepEqual(after.pending, []);
    assert.equal(after.nextRun, '2024-07-16T07:00:00.000+08:00');
    assert.deepEqual([after.issues[0].date, after.issues[0].status, after.issues[0].deliveries.sent], ['2024-07-15', 'sent', 2]);
    assert.equal(after.runs[0].kind, 'run');
    assert.equal(after.lock, null);
  });

  test("digest schedule catches up today's issue at start (and does not with catchUp: false)", async () => {
    const startWith = async (catchUp: boolean) => {
      const { dir, file } = sampleConfig({ schedule: { cron: '0 7 * * *', catchUp } });
      const { where, env } = await location(dir, NOW);
      const child = spawn(process.execPath, [join(ROOT, 'bin/digest.js'), 'schedule', '--config', file], {
        cwd: ROOT,
        env: { ...process.env, ...env, DIGEST_LOG_LEVEL: 'debug' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exit = new Promise<number | null>((r) => child.on('exit', r));
      // Waited for, not timed: on PostgreSQL, on a loaded machine, the first check can take longer than a fixed 30 s.
      const seen = (re: RegExp) => waitFor(() => re.test(stderr), String(re), 150_000, 100);
      // With catch-up the first check runs the cycle at once; without, the first check decides to wait (logged at debug).
      if (catchUp) await seen(/"msg":"waiting for the next run"/);
      else await seen(/"trigger":"check"/);
      child.kill('SIGINT');
      assert.equal(await exit, 0, stderr);
      const store = openStore(where);
      const runs = store.runs.latest(10);
      store.close();
      return { dir, runs, stderr };
    };
    const [on, off] = await Promise.all([startWith(true), startWith(false)]);
    assert.equal(on.runs.length, 1, on.stderr);
    assert.equal(on.runs[0]!.status, 'ok');
    assert.equal(on.runs[0]!.summary.reason, 'catch-up');
    assert.equal(readdirSync(join(on.dir, 'out/outbox/2024-07-15')).filter((f) => f.endsWith('.eml')).length, 2);
    assert.deepEqual(off.runs, [], 'no run without catch-up');
  });
});
