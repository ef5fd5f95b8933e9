/**
 * The scheduler's loop over a real SQLite store, with a fake clock and
 * recording cycle actions: no overlap in one process, no double run across two
 * schedulers sharing the store, graceful stop, failures recorded and backed off.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { Scheduler, type CycleActions, type SchedulerSettings } from '../../src/schedule/runner.ts';
import type { RunOutcome } from '../../src/schedule/track.ts';
import { openSqliteStore, type SqliteStore as Store } from '../../src/store/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const SETTINGS: SchedulerSettings = {
  cron: '0 7 * * *',
  timezone: 'Asia/Shanghai',
  catchUp: true,
  requireApproval: false,
  retryMinutes: 10,
  maxRetries: 3,
  checkSeconds: 3600,
};
// 09:00 on 2024-07-15 in Shanghai, two hours after the scheduled time.
const NOW = new Date('2024-07-15T01:00:00Z');
const silent = createLogger({ stream: { write: () => true }, json: true });

function saveIssue(store: Store, date: string, status: 'draft' | 'sent'): void {
  store.db
    .prepare(`INSERT INTO issues (date, year, number, total_number, status, created_at, issue_json) VALUES (?, 2024, 1, 1, ?, ?, '{}')
              ON CONFLICT(date) DO UPDATE SET status = excluded.status`)
    .run(date, status, NOW.toISOString());
}

/** Actions that record their calls; `gate` holds a build or send until released. */
function recordingActions(store: Store, opts: { gate?: Promise<void>; fail?: boolean } = {}) {
  const calls: string[] = [];
  const actions: CycleActions = {
    async build(date, { send, signal }): Promise<RunOutcome> {
      calls.push(`build ${date}${send ? ' +send' : ''}`);
      await opts.gate;
      if (opts.fail) throw new Error('feed server down');
      saveIssue(store, date, signal.aborted || !send ? 'draft' : 'sent');
      return { status: signal.aborted ? 'interrupted' : send ? 'ok' : 'waiting', summary: {} };
    },
    async send(date, { signal }): Promise<RunOutcome> {
      calls.push(`send ${date}`);
      await opts.gate;
      if (!signal.aborted) saveIssue(store, date, 'sent');
      return { status: signal.aborted ? 'interrupted' : 'ok', summary: {} };
    },
  };
  return { calls, actions };
}

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

function setup() {
  const path = join(tempDir(), 'digest.db');
  return { path, store: openSqliteStore(path) };
}

test('a tick while a run is going is skipped: one build, not two', async () => {
  const { store } = setup();
  const g = gate();
  const { calls, actions } = recordingActions(store, { gate: g.promise });
  const s = new Scheduler({ store: store, settings: SETTINGS, actions, now: () => NOW, log: silent });
  const first = s.wake('tick');
  const second = s.wake('tick');
  const check = s.wake('check');
  g.open();
  await Promise.all([first, second, check]);
  await s.wake('tick'); // the issue is sent now: nothing more to do
  assert.deepEqual(calls, ['build 2024-07-15 +send']);
  const runs = s.runs.latest(10);
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.status, 'ok');
  assert.deepEqual(runs[0]!.summary, { trigger: 'tick', action: 'build-and-send', reason: 'tick' });
  store.close();
});

test('two schedulers on one store: the lock lets only one of them build', async () => {
  const { path, store } = setup();
  const other = openSqliteStore(path);
  const g = gate();
  const a = recordingActions(store, { gate: g.promise });
  const b = recordingActions(other, { gate: g.promise });
  const sa = new Scheduler({ store: store, settings: SETTINGS, actions: a.actions, now: () => NOW, log: silent });
  const sb = new Scheduler({ store: other, settings: SETTINGS, actions: b.actions, now: () => NOW, log: silent });
  const ta = sa.wake('tick');
  // B wakes while A holds the lock mid-build.
  await waitFor(() => a.calls.length === 1, "A's build to start");
  await sb.wake('tick');
  g.open();
  await ta;
  await sb.wake('tick');
  assert.deepEqual([...a.calls, ...b.calls], ['build 2024-07-15 +send']);
  assert.equal((store.db.prepare('SELECT count(*) AS n FROM issues').get() as { n: number }).n, 1);
  assert.equal(sa.runs.latest(10).length, 1, 'one run recorded');
  store.close();
  other.close();
});

test('start sends the due draft; stop during the send records it interrupted; the next start resumes', async () => {
  const { store } = setup();
  saveIssue(store, '2024-07-15', 'draft');
  const g = gate();
  const { calls, actions } = recordingActions(store, { gate: g.promise });
  const s = new Scheduler({ store: store, settings: SETTINGS, actions, now: () => NOW, log: silent });
  const started = s.start();
  await waitFor(() => calls.length === 1, 'the send to start');
  const stopping = s.stop();
  g.open();
  await Promise.all([started, stopping]);
  assert.deepEqual(calls, ['send 2024-07-15']);
  assert.equal(s.runs.latest(1)[0]!.status, 'interrupted');
  assert.equal(store.issues.get('2024-07-15')?.status, 'draft', 'not marked sent');
  // A stopped scheduler ignores further wake-ups.
  await s.wake('tick');
  assert.equal(calls.length, 1);
  // The next start resumes: the issue is due and not sent.
  const again = recordingActions(store);
  const s2 = new Scheduler({ store: store, settings: SETTINGS, actions: again.actions, now: () => NOW, log: silent });
  await s2.start();
  await s2.stop();
  assert.deepEqual(again.calls, ['send 2024-07-15']);
  assert.equal(store.issues.get('2024-07-15')?.status, 'sent');
  store.close();
});

test('a failed run is recorded with its error and not retried before the back-off', async () => {
  const { store } = setup();
  const lines: string[] = [];
  const log = createLogger({ stream: { write: (l: string) => lines.push(l) }, json: true, level: 'debug' });
  const { calls, actions } = recordingActions(store, { fail: true });
  const s = new Scheduler({ store: store, settings: SETTINGS, actions, now: () => NOW, log });
  await s.wake('tick');
  await s.wake('check');
  await s.wake('tick');
  assert.deepEqual(calls, ['build 2024-07-15 +send']);
  const run = s.runs.latest(1)[0]!;
  assert.equal(run.status, 'failed');
  assert.equal(run.summary.error, 'feed server down');
  // Structured logs: JSON lines carrying the run id.
  const records = lines.map((l) => JSON.parse(l) as { level: string; msg: string; runId?: string });
  const failed = records.find((r) => r.msg === 'run failed');
  assert.equal(failed?.level, 'error');
  assert.equal(failed?.runId, run.id);
  assert.ok(
    records.some((r) => /backoff/.test(r.msg)),
    'the back-off is logged',
  );
  store.close();
});
