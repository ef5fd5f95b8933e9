/**
 * approveIssue over a real store: the only draft by default, several drafts
 * must be named, sent issues and missing dates are refused with a clear error.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { approveIssue } from '../../src/cycle/approve.ts';
import { openSqliteStore, type SqliteStore as Store } from '../../src/store/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = new Date('2024-07-15T01:00:00Z');

function withIssues(statuses: Record<string, 'draft' | 'approved' | 'sent'>): Store {
  const store = openSqliteStore(join(tempDir(), 'digest.db'));
  for (const [date, status] of Object.entries(statuses)) {
    store.db
      .prepare(`INSERT INTO issues (date, year, number, total_number, status, created_at, issue_json) VALUES (?, 2024, 1, 1, ?, ?, '{}')`)
      .run(date, status, '2024-07-14T23:00:00.000Z');
  }
  return store;
}

test('approves the only draft; a second approval changes nothing', () => {
  const store = withIssues({ '2024-07-14': 'sent', '2024-07-15': 'draft' });
  assert.deepEqual(approveIssue(store, undefined, NOW), {
    date: '2024-07-15',
    status: 'approved',
    approvedAt: '2024-07-15T01:00:00.000Z',
    alreadyApproved: false,
  });
  assert.equal(store.issues.get('2024-07-15')?.status, 'approved');
  assert.equal(store.issues.get('2024-07-15')?.approvedAt, '2024-07-15T01:00:00.000Z');
  const again = approveIssue(store, '2024-07-15', new Date('2024-07-15T02:00:00Z'));
  assert.deepEqual(again, { date: '2024-07-15', status: 'approved', approvedAt: '2024-07-15T01:00:00.000Z', alreadyApproved: true });
  store.close();
});

test('several drafts must be named; sent or missing issues are refused', () => {
  const store = withIssues({ '2024-07-13': 'sent', '2024-07-14': 'draft', '2024-07-15': 'draft' });
  assert.throws(
    () => approveIssue(store, undefined, NOW),
    (e: Error & { hint?: string }) =>
      /2 draft issues wait for approval: 2024-07-15, 2024-07-14/.test(e.message) && /--issue/.test(e.hint ?? ''),
  );
  assert.throws(() => approveIssue(store, '2024-07-13', NOW), /already sent/);
  assert.throws(() => approveIssue(store, '2024-07-01', NOW), /there is no issue for 2024-07-01/);
  assert.equal(approveIssue(store, '2024-07-14', NOW).date, '2024-07-14');
  assert.equal(store.issues.get('2024-07-15')?.status, 'draft', 'the other draft is untouched');
  store.close();
  const empty = withIssues({ '2024-07-13': 'sent' });
  assert.throws(() => approveIssue(empty, undefined, NOW), /no draft issue waits for approval/);
  empty.close();
});
