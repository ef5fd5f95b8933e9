/**
 * The cycle lock over a real SQLite file shared by two connections (as two
 * processes would), with a fake clock for expiry.
 */
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test, vi } from 'vitest';
import { acquireLock } from '../../src/store/lease.ts';
import { withCycleLock } from '../../src/schedule/track.ts';
import { openDb } from '../../src/store/db.ts';
import { LockStore } from '../../src/store/locks.ts';
import { RunStore } from '../../src/store/runs.ts';
import { tempDir } from '../helpers/tmp.ts';

function twoConnections() {
  const path = join(tempDir(), 'digest.db');
  let clock = Date.parse('2024-07-15T00:00:00Z');
  const now = () => clock;
  const a = openDb(path);
  const b = openDb(path);
  return {
    a: new LockStore(a, now),
    b: new LockStore(b, now),
    dbA: a,
    dbB: b,
    advance: (ms: number) => (clock += ms),
    close: () => {
      a.close();
      b.close();
    },
  };
}

test('one holder at a time; taken over only after expiry', () => {
  const { a, b, advance, close } = twoConnections();
  try {
    assert.deepEqual(a.tryAcquire('cycle', 'A', 60_000), { ok: true, stolenFrom: null });
    const denied = b.tryAcquire('cycle', 'B', 60_000);
    assert.equal(denied.ok, false);
    assert.equal(!denied.ok && denied.holder.owner, 'A');
    // A renews: still A's after 90 s.
    advance(45_000);
    assert.equal(a.renew('cycle', 'A', 60_000), true);
    advance(45_000);
    assert.equal(b.tryAcquire('cycle', 'B', 60_000).ok, false);
    // A stops renewing (crashed): after expiry B takes it over, and A learns it lost it.
    advance(61_000);
    const stolen = b.tryAcquire('cycle', 'B', 60_000);
    assert.equal(stolen.ok && stolen.stolenFrom?.owner, 'A');
    assert.equal(a.renew('cycle', 'A', 60_000), false);
    // A's release does not free B's lock.
    a.release('cycle', 'A');
    assert.equal(b.get('cycle')?.owner, 'B');
    b.release('cycle', 'B');
    assert.equal(a.get('cycle'), undefined);
    assert.equal(a.tryAcquire('cycle', 'A', 60_000).ok, true);
  } finally {
    close();
  }
});

test('acquireLock renews in the background and aborts `lost` when taken over', (t) => {
  // Fake timers and the fake clock move together, so no renewal is ever late, whatever the machine's load.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  t.onTestFinished(() => void vi.useRealTimers());
  const { a, b, dbB, advance, close } = twoConnections();
  const elapse = (ms: number) => {
    for (let i = 0; i < ms; i += 10) {
      advance(10);
      vi.advanceTimersByTime(10);
    }
  };
  try {
    // Renewal every 20 ms keeps a 100 ms lease alive.
    const got = acquireLock(a, { owner: 'A', ttlMs: 100, renewEveryMs: 20 });
    assert.ok(got.ok);
    elapse(250);
    assert.equal(b.tryAcquire('cycle', 'B', 100).ok, false, 'renewed lease is still held');
    // Simulate a takeover (as after a freeze past expiry): the next renewal notices.
    dbB.prepare("UPDATE locks SET owner = 'B' WHERE name = 'cycle'").run();
    assert.equal(got.lock.lost.aborted, false);
    elapse(20);
    assert.equal(got.lock.lost.aborted, true);
    got.lock.release();
    assert.equal(new LockStore(dbB).get('cycle')?.owner, 'B', "release never frees someone else's lock");
  } finally {
    close();
  }
});

test('withCycleLock refuses while another process holds the lock, naming it', async () => {
  const { dbA, dbB, close } = twoConnections();
  try {
    new LockStore(dbA).tryAcquire('cycle', 'host-a:4242:cafe', 60_000);
    await assert.rejects(
      withCycleLock(
        { locks: new LockStore(dbB), runs: new RunStore(dbB) },
        () => new Date(),
        async () => 'ran',
      ),
      (err: Error & { hint?: string }) =>
        /another digest process \(host-a:4242:cafe\)/.test(err.message) && /expires at/.test(err.hint ?? ''),
    );
    new LockStore(dbA).release('cycle', 'host-a:4242:cafe');
    // Free now; runs left `running` by a dead process are marked interrupted on entry.
    const runs = new RunStore(dbA);
    runs.start({ id: 'dead', kind: 'schedule', issueDate: '2024-07-15', startedAt: '2024-07-15T00:00:00.000Z' });
    assert.equal(
      await withCycleLock(
        { locks: new LockStore(dbB), runs: new RunStore(dbB) },
        () => new Date('2024-07-15T01:00:00Z'),
        async () => 'ran',
      ),
      'ran',
    );
    assert.equal(runs.get('dead')?.status, 'interrupted');
    assert.equal(new LockStore(dbA).get('cycle'), undefined, 'released after the work');
  } finally {
    close();
  }
});

test('a lock left by a dead process on this machine is taken over at once', async () => {
  const { dbA, dbB, close } = twoConnections();
  try {
    // The pid of a process that has exited.
    const { spawnSync } = await import('node:child_process');
    const pid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const dead = `${hostname()}:${pid}:0badf00d`;
    new LockStore(dbA).tryAcquire('cycle', dead, 60_000);
    const got = acquireLock(new LockStore(dbB), { owner: 'B' });
    assert.ok(got.ok, 'taken over without waiting for expiry');
    assert.equal(got.lock.stolenFrom?.owner, dead);
    got.lock.release();
    // A live holder (this very process) is waited out.
    new LockStore(dbA).tryAcquire('cycle', `${hostname()}:${process.pid}:0badf00d`, 60_000);
    assert.equal(acquireLock(new LockStore(dbB), { owner: 'B' }).ok, false);
  } finally {
    close();
  }
});
