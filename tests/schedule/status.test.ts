/**
 * collectStatus over a real store: runs newest first in the publication's
 * zone, issues not sent, delivery totals, the lock holder, and missed days
 * (scheduled days with neither an issue nor a run, since the first issue).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { collectStatus } from '../../src/schedule/status.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { LockStore } from '../../src/store/locks.ts';
import { RunStore } from '../../src/store/runs.ts';
import { tempDir } from '../helpers/tmp.ts';

test('status: runs, next run, pending issues, totals, lock and missed days', () => {
  const store = openSqliteStore(join(tempDir(), 'digest.db'));
  const issue = store.db.prepare(
    `INSERT INTO issues (date, year, number, total_number, status, created_at, issue_json) VALUES (?, 2024, 1, 1, ?, ?, '{}')`,
  );
  issue.run('2024-07-08', 'sent', '2024-07-07T23:00:00.000Z');
  issue.run('2024-07-10', 'sent', '2024-07-09T23:00:00.000Z');
  issue.run('2024-07-15', 'draft', '2024-07-14T23:00:05.000Z');
  store.db
    .prepare(
      `INSERT INTO deliveries (issue_date, subscriber_id, email, status, message_id, updated_at) VALUES ('2024-07-10', 1, 'a@x.org', 'sent', '<1@x>', 'now'), ('2024-07-10', 2, 'b@x.org', 'failed', '<2@x>', 'now')`,
    )
    .run();
  const runs = new RunStore(store.db);
  // 2024-07-12 had a run that skipped (nothing new): not missed.
  runs.start({ id: 'r1', kind: 'schedule', issueDate: '2024-07-12', startedAt: '2024-07-11T23:00:00.000Z' });
  runs.finish('r1', 'skipped', '2024-07-11T23:00:02.000Z');
  runs.start({ id: 'r2', kind: 'schedule', issueDate: '2024-07-15', startedAt: '2024-07-14T23:00:00.000Z', summary: { trigger: 'tick' } });
  runs.finish('r2', 'waiting', '2024-07-14T23:00:05.000Z', { build: { status: 'built' } });
  new LockStore(store.db).tryAcquire('cycle', 'host:1:ab', 60_000);

  const r = collectStatus(store, {
    now: new Date('2024-07-15T01:00:00Z'),
    cron: '0 7 * * *',
    timezone: 'Asia/Shanghai',
  });
  assert.equal(r.now, '2024-07-15T09:00:00.000+08:00');
  assert.equal(r.nextRun, '2024-07-16T07:00:00.000+08:00');
  assert.deepEqual(
    r.runs.map((x) => [x.id, x.status, x.startedAt]),
    [
      ['r2', 'waiting', '2024-07-15T07:00:00.000+08:00'],
      ['r1', 'skipped', '2024-07-12T07:00:00.000+08:00'],
    ],
  );
  assert.deepEqual(r.runs[0]!.summary, { trigger: 'tick', build: { status: 'built' } });
  assert.deepEqual(r.pending, [{ date: '2024-07-15', status: 'draft', createdAt: '2024-07-15T07:00:05.000+08:00', approvedAt: null }]);
  assert.deepEqual(
    r.issues.map((i) => [i.date, i.status, i.deliveries.sent, i.deliveries.failed]),
    [
      ['2024-07-15', 'draft', 0, 0],
      ['2024-07-10', 'sent', 1, 1],
      ['2024-07-08', 'sent', 0, 0],
    ],
  );
  assert.equal(r.lock?.owner, 'host:1:ab');
  // The past week is 07-08 … 07-14; 07-08 and 07-10 have issues, 07-12 a run.
  assert.deepEqual(r.missed, ['2024-07-09', '2024-07-11', '2024-07-13', '2024-07-14']);
  // A weekday schedule does not count the weekend (13 and 14 July 2024) as missed.
  const weekdays = collectStatus(store, {
    now: new Date('2024-07-15T01:00:00Z'),
    cron: '0 7 * * 1-5',
    timezone: 'Asia/Shanghai',
  });
  assert.deepEqual(weekdays.missed, ['2024-07-09', '2024-07-11']);
  store.close();
});
