import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { test } from 'vitest';
import { acquireSendLock } from '../../src/deliver/lock.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { LockStore } from '../../src/store/locks.ts';

test('one sender per issue: a live holder is refused by name, a dead one replaced, a released lock free again', () => {
  const store = openSqliteStore(':memory:');
  const first = acquireSendLock(store.locks, '2024-07-15');
  assert.throws(() => acquireSendLock(store.locks, '2024-07-15'), /another process is sending the issue of 2024-07-15 \(.+:\d+, since /);
  // Another issue has its own lock.
  acquireSendLock(store.locks, '2024-07-16').release();
  first.release();
  acquireSendLock(store.locks, '2024-07-15').release();

  // Left by a process that exited (kill -9): taken over without waiting for the lease to expire.
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
  new LockStore(store.db).tryAcquire('send:2024-07-15', `${hostname()}:${deadPid}:0badf00d`, 60_000);
  const resumed = acquireSendLock(store.locks, '2024-07-15');
  assert.equal(resumed.lost.aborted, false);
  resumed.release();
  store.close();
});
