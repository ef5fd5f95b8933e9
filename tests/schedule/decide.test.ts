/**
 * The scheduler's decision, with a fake clock: catch-up, missed ticks (DST
 * gaps in New York and Berlin), approval, resumed sends, skips and retries.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import {
  decide,
  describeDecision,
  type DecideSettings,
  type IssueView,
  type RunView,
  type ScheduleState,
  type Trigger,
} from '../../src/schedule/decide.ts';

const SH: DecideSettings = {
  cron: '0 7 * * *',
  timezone: 'Asia/Shanghai',
  catchUp: true,
  requireApproval: false,
  retryMinutes: 10,
  maxRetries: 3,
};
const at = (s: string) => new Date(s);

function state(o: { trigger?: Trigger; startedAt?: string; issues?: IssueView[]; runs?: Partial<RunView>[] } = {}): ScheduleState {
  return {
    trigger: o.trigger ?? 'check',
    startedAt: at(o.startedAt ?? '2000-01-01T00:00:00Z'),
    issues: o.issues ?? [],
    runs: (o.runs ?? []).map((r) => ({ issueDate: null, status: 'ok', startedAt: at('2000-01-01T00:00:00Z'), finishedAt: null, ...r })),
  };
}

// 07:00 on 2024-07-15 in Shanghai is 2024-07-14T23:00Z.
const DUE = '2024-07-14T23:00:00Z';

test("the cron tick builds and sends today's issue", () => {
  const d = decide(at(DUE), state({ trigger: 'tick' }), SH);
  assert.deepEqual(d, { action: 'build-and-send', date: '2024-07-15', reason: 'tick' });
  assert.match(describeDecision(d), /build and send the issue of 2024-07-15/);
});

test('before the scheduled time a check does nothing', () => {
  assert.deepEqual(decide(at('2024-07-14T22:59:00Z'), state({ startedAt: '2024-07-14T20:00:00Z' }), SH), {
    action: 'idle',
    reason: 'not-due',
    date: '2024-07-15',
  });
});

test("catch-up: started after the scheduled time, today's issue is produced at start — once", () => {
  const now = at('2024-07-15T02:00:00Z'); // 10:00 in Shanghai
  const started = { startedAt: '2024-07-15T02:00:00Z' };
  assert.deepEqual(decide(now, state(started), SH), { action: 'build-and-send', date: '2024-07-15', reason: 'catch-up' });
  assert.deepEqual(decide(now, state(started), { ...SH, catchUp: false }), { action: 'idle', reason: 'catch-up-off', date: '2024-07-15' });
  // After the catch-up run skipped (nothing new), later checks leave it.
  const skipped = state({ ...started, runs: [{ issueDate: '2024-07-15', status: 'skipped', startedAt: now, finishedAt: now }] });
  assert.deepEqual(decide(at('2024-07-15T03:00:00Z'), skipped, SH), { action: 'idle', reason: 'already-run', date: '2024-07-15' });
});

test('no backlog: days missed before today are never produced', () => {
  // Down for three days; started on the 15th before 07:00: nothing until 07:00.
  const d = decide(at('2024-07-14T22:00:00Z'), state({ startedAt: '2024-07-14T22:00:00Z' }), SH);
  assert.deepEqual(d, { action: 'idle', reason: 'not-due', date: '2024-07-15' });
  // An unsent draft of an earlier day (a back-fill) is left alone too.
  const old = state({ startedAt: '2024-07-14T22:00:00Z', issues: [{ date: '2024-07-10', status: 'draft', unfinished: 0 }] });
  assert.equal(decide(at('2024-07-14T22:00:00Z'), old, SH).action, 'idle');
});

test("a run before the scheduled time does not count as today's scheduled run", () => {
  // A manual run at 06:00 found nothing; the process started at 08:00 still catches up.
  const s = state({
    startedAt: '2024-07-15T00:00:00Z',
    runs: [{ issueDate: '2024-07-15', status: 'skipped', startedAt: at('2024-07-14T22:00:00Z'), finishedAt: at('2024-07-14T22:00:05Z') }],
  });
  assert.equal(decide(at('2024-07-15T00:00:00Z'), s, SH).action, 'build-and-send');
});

test("today's issue exists: sent → idle; built earlier → sent at the tick, not before", () => {
  const sent = state({ trigger: 'tick', issues: [{ date: '2024-07-15', status: 'sent', unfinished: 0 }] });
  assert.deepEqual(decide(at(DUE), sent, SH), { action: 'idle', reason: 'sent', date: '2024-07-15' });
  const draft = [{ date: '2024-07-15', status: 'draft' as const, unfinished: 0 }];
  assert.deepEqual(decide(at('2024-07-14T22:00:00Z'), state({ issues: draft }), SH), {
    action: 'idle',
    reason: 'not-due',
    date: '2024-07-15',
  });
  assert.deepEqual(decide(at(DUE), state({ trigger: 'tick', issues: draft }), SH), { action: 'send', date: '2024-07-15', reason: 'due' });
});

test('a send that stopped midway is resumed first, earlier days before today', () => {
  const issues: IssueView[] = [
    { date: '2024-07-15', status: 'draft', unfinished: 0 },
    { date: '2024-07-14', status: 'draft', unfinished: 40 },
  ];
  assert.deepEqual(decide(at(DUE), state({ trigger: 'tick', issues }), SH), { action: 'send', date: '2024-07-14', reason: 'resume' });
  // Today's own interrupted send resumes even before its scheduled time (it had started).
  const today = [{ date: '2024-07-15', status: 'draft' as const, unfinished: 3 }];
  assert.deepEqual(decide(at('2024-07-14T22:00:00Z'), state({ issues: today }), SH), {
    action: 'send',
    date: '2024-07-15',
    reason: 'resume',
  });
});

test('approval: the tick builds a draft, waits, and the approved issue goes out at the next check', () => {
  const s = { ...SH, requireApproval: true };
  assert.deepEqual(decide(at(DUE), state({ trigger: 'tick' }), s), { action: 'build-draft', date: '2024-07-15', reason: 'tick' });
  const later = at('2024-07-15T00:30:00Z');
  assert.deepEqual(decide(later, state({ issues: [{ date: '2024-07-15', status: 'draft', unfinished: 0 }] }), s), {
    action: 'wait-approval',
    date: '2024-07-15',
  });
  assert.deepEqual(decide(later, state({ issues: [{ date: '2024-07-15', status: 'approved', unfinished: 0 }] }), s), {
    action: 'send',
    date: '2024-07-15',
    reason: 'approved',
  });
  // Approved before the scheduled time: it waits for the time.
  assert.deepEqual(decide(at('2024-07-14T22:00:00Z'), state({ issues: [{ date: '2024-07-15', status: 'approved', unfinished: 0 }] }), s), {
    action: 'idle',
    reason: 'not-due',
    date: '2024-07-15',
  });
  // Yesterday's draft approved today goes out (approval means "send it").
  assert.deepEqual(decide(later, state({ issues: [{ date: '2024-07-14', status: 'approved', unfinished: 0 }] }), s), {
    action: 'send',
    date: '2024-07-14',
    reason: 'approved',
  });
});

test('failed runs back off, retry, then give up until the next tick', () => {
  const failedAt = (iso: string): Partial<RunView> => ({
    issueDate: '2024-07-15',
    status: 'failed',
    startedAt: at(iso),
    finishedAt: at(iso),
  });
  const one = state({ runs: [failedAt('2024-07-14T23:00:10Z')] });
  assert.deepEqual(decide(at('2024-07-14T23:05:00Z'), one, SH), { action: 'idle', reason: 'backoff', date: '2024-07-15' });
  assert.deepEqual(decide(at('2024-07-14T23:11:00Z'), one, SH), { action: 'build-and-send', date: '2024-07-15', reason: 'retry' });
  const four = state({ runs: ['23:00:10', '23:10:10', '23:20:10', '23:30:10'].map((t) => failedAt(`2024-07-14T${t}Z`)) });
  assert.deepEqual(decide(at('2024-07-15T01:00:00Z'), four, SH), { action: 'idle', reason: 'gave-up', date: '2024-07-15' });
  // A tick is a fresh try once the back-off has passed.
  assert.equal(decide(at('2024-07-15T01:00:00Z'), { ...four, trigger: 'tick' }, SH).action, 'build-and-send');
  // An interrupted run (SIGTERM during ingest) is resumed by the next start, catch-up or not.
  const interrupted = state({
    startedAt: '2024-07-15T01:00:00Z',
    runs: [{ issueDate: '2024-07-15', status: 'interrupted', startedAt: at(DUE), finishedAt: at(DUE) }],
  });
  assert.deepEqual(decide(at('2024-07-15T01:00:00Z'), interrupted, { ...SH, catchUp: false }), {
    action: 'build-and-send',
    date: '2024-07-15',
    reason: 'resume',
  });
});

test('weekday schedules: nothing on a Saturday, even at catch-up', () => {
  const s = { ...SH, cron: '0 7 * * 1-5' };
  // 2024-07-13 10:00 Shanghai, a Saturday.
  assert.deepEqual(decide(at('2024-07-13T02:00:00Z'), state({ startedAt: '2024-07-13T02:00:00Z' }), s), {
    action: 'idle',
    reason: 'not-scheduled-today',
    date: '2024-07-13',
  });
});

test('America/New_York spring forward: the 02:30 tick never fires; the check produces the issue at 03:30 EDT', () => {
  const ny = { ...SH, cron: '30 2 * * *', timezone: 'America/New_York' };
  const running = { startedAt: '2024-03-09T12:00:00Z' }; // the process has been up since the day before
  // 03:29 EDT = 07:29Z: not due yet.
  assert.deepEqual(decide(at('2024-03-10T07:29:00Z'), state(running), ny), { action: 'idle', reason: 'not-due', date: '2024-03-10' });
  // Right after 03:30 EDT the tick could still come: wait out the grace minute.
  assert.deepEqual(decide(at('2024-03-10T07:30:30Z'), state(running), ny), { action: 'idle', reason: 'tick-pending', date: '2024-03-10' });
  assert.deepEqual(decide(at('2024-03-10T07:31:00Z'), state(running), ny), {
    action: 'build-and-send',
    date: '2024-03-10',
    reason: 'missed-tick',
  });
  // The day before and after run at the tick as usual (02:30 EST = 07:30Z, 02:30 EDT = 06:30Z).
  assert.equal(decide(at('2024-03-09T07:30:00Z'), state({ ...running, trigger: 'tick' }), ny).action, 'build-and-send');
  assert.deepEqual(decide(at('2024-03-11T06:29:00Z'), state(running), ny), { action: 'idle', reason: 'not-due', date: '2024-03-11' });
});

test('Europe/Berlin spring forward and fall back', () => {
  const berlin = { ...SH, cron: '30 2 * * *', timezone: 'Europe/Berlin' };
  // 2024-03-31: 02:30 does not exist; 03:30 CEST = 01:30Z.
  const up = { startedAt: '2024-03-30T12:00:00Z' };
  assert.equal(decide(at('2024-03-31T01:29:00Z'), state(up), berlin).action, 'idle');
  assert.deepEqual(decide(at('2024-03-31T01:31:00Z'), state(up), berlin), {
    action: 'build-and-send',
    date: '2024-03-31',
    reason: 'missed-tick',
  });
  // 2024-10-27: 02:30 happens twice (00:30Z CEST, 01:30Z CET). The first tick builds; the second finds it sent.
  const first = decide(at('2024-10-27T00:30:00Z'), state({ ...up, trigger: 'tick' }), berlin);
  assert.deepEqual(first, { action: 'build-and-send', date: '2024-10-27', reason: 'tick' });
  const sent = state({ ...up, trigger: 'tick', issues: [{ date: '2024-10-27', status: 'sent', unfinished: 0 }] });
  assert.deepEqual(decide(at('2024-10-27T01:30:00Z'), sent, berlin), { action: 'idle', reason: 'sent', date: '2024-10-27' });
});

test('America/New_York fall back: catch-up counts from the first 01:30', () => {
  const ny = { ...SH, cron: '30 1 * * *', timezone: 'America/New_York' };
  // Started at 01:45 EDT (05:45Z), after the first 01:30: the issue is due already.
  assert.deepEqual(decide(at('2024-11-03T05:45:00Z'), state({ startedAt: '2024-11-03T05:45:00Z' }), ny), {
    action: 'build-and-send',
    date: '2024-11-03',
    reason: 'catch-up',
  });
});
