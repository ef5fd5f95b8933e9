/**
 * Contract suite, part 3: what processes coordinate through — the run log,
 * locks, write transactions, the data version other connections' writes
 * move, error shapes — on every backend (BACKENDS), and what differs by
 * design: SQLite leases expire, PostgreSQL advisory locks end with their
 * session; `backup` is SQLite's.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { acquireLock } from '../../src/store/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { BACKENDS, item, openFresh } from './backends.ts';

describe.each(BACKENDS)('$name store', (backend) => {
  test('the run log: start, finish merges the summary, latest, per issue, abandoned runs', async (t) => {
    const { store } = await openFresh(backend, t);
    store.runs.start({ id: 'r1', kind: 'run', issueDate: '2024-07-15', startedAt: '2024-07-15T00:00:00Z', summary: { trigger: 'cli' } });
    store.runs.start({ id: 'r2', kind: 'schedule', issueDate: '2024-07-15', startedAt: '2024-07-15T00:00:00Z' });
    store.runs.start({ id: 'r3', kind: 'schedule', issueDate: null, startedAt: '2024-07-15T01:00:00Z' });
    store.runs.finish('r1', 'ok', '2024-07-15T00:05:00Z', { sent: 3 });
    assert.deepEqual(store.runs.get('r1'), {
      id: 'r1',
      kind: 'run',
      issueDate: '2024-07-15',
      startedAt: '2024-07-15T00:00:00Z',
      finishedAt: '2024-07-15T00:05:00Z',
      status: 'ok',
      summary: { trigger: 'cli', sent: 3 },
    });
    assert.equal(store.runs.get('nope'), undefined);
    // Same start time: insertion order decides.
    assert.deepEqual(
      store.runs.latest(3).map((r) => r.id),
      ['r3', 'r2', 'r1'],
    );
    assert.deepEqual(
      store.runs.forIssue('2024-07-15').map((r) => r.id),
      ['r1', 'r2'],
    );
    assert.equal(store.runs.markAbandoned('2024-07-15T02:00:00Z', 'r3'), 1);
    assert.equal(store.runs.get('r2')!.status, 'interrupted');
    assert.equal(store.runs.markAbandoned('2024-07-15T02:00:00Z'), 1);
    assert.equal(store.runs.get('r3')!.status, 'interrupted');
  });

  test('locks: one holder at a time across connections, the holder named, renewal, release', async (t) => {
    const { store, another } = await openFresh(backend, t);
    const other = another();
    const mine = store.locks.tryAcquire('cycle', 'here:1:aa', 60_000);
    assert.deepEqual(mine, { ok: true, stolenFrom: null });
    assert.deepEqual(store.locks.tryAcquire('cycle', 'here:1:aa', 60_000), { ok: true, stolenFrom: null }, 'ours already: renewed');
    const refused = other.locks.tryAcquire('cycle', 'there:2:bb', 60_000);
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.holder.owner, 'here:1:aa');
    assert.equal(other.locks.get('cycle')!.owner, 'here:1:aa');
    assert.equal(other.locks.tryAcquire('send:2024-07-15', 'there:2:bb', 60_000).ok, true, 'another name is free');
    assert.equal(store.locks.renew('cycle', 'here:1:aa', 60_000), true);
    assert.equal(store.locks.renew('cycle', 'there:2:bb', 60_000), false);
    // Releasing as someone else does nothing.
    other.locks.release('cycle', 'there:2:bb');
    assert.equal(other.locks.tryAcquire('cycle', 'there:2:bb', 60_000).ok, false);
    store.locks.release('cycle', 'here:1:aa');
    assert.equal(store.locks.get('cycle'), undefined);
    assert.deepEqual(other.locks.tryAcquire('cycle', 'there:2:bb', 60_000), { ok: true, stolenFrom: null });
    assert.equal(store.locks.renew('cycle', 'here:1:aa', 60_000), false, 'no longer ours');
  });

  test('acquireLock: a held lock refuses a second holder and is free again after release', async (t) => {
    const { store, another } = await openFresh(backend, t);
    const other = another();
    const got = acquireLock(store.locks, { owner: 'x:1:aa' });
    assert.equal(got.ok, true);
    const second = acquireLock(other.locks, { owner: 'y:2:bb' });
    assert.equal(second.ok, false);
    if (got.ok) got.lock.release();
    const third = acquireLock(other.locks, { owner: 'y:2:bb' });
    assert.equal(third.ok, true);
    if (third.ok) third.lock.release();
  });

  if (backend.name === 'sqlite') {
    test('sqlite: an expired lease is taken over and reported', async (t) => {
      const { store, another } = await openFresh(backend, t);
      // A lease that ran out a minute ago: a 1 ms lease was still live when
      // the next call landed in the same millisecond (seen once in CI).
      store.locks.tryAcquire('cycle', 'gone:1:aa', -60_000);
      const took = another().locks.tryAcquire('cycle', 'here:2:bb', 60_000);
      assert.equal(took.ok && took.stolenFrom?.owner, 'gone:1:aa');
    });
  } else {
    test('postgres: a lock ends with its holder’s connection (no TTL), and the next holder learns whom it followed', async (t) => {
      const { store, another } = await openFresh(backend, t);
      const holder = another();
      assert.equal(holder.locks.tryAcquire('cycle', 'gone:1:aa', 60_000).ok, true);
      assert.equal(store.locks.tryAcquire('cycle', 'here:2:bb', 60_000).ok, false);
      holder.close(); // as a killed process's connection ends
      const took = store.locks.tryAcquire('cycle', 'here:2:bb', 60_000);
      assert.equal(took.ok && took.stolenFrom?.owner, 'gone:1:aa');
    });
  }

  test('store.transaction commits together, rolls back together, and nests', async (t) => {
    const { store } = await openFresh(backend, t);
    store.transaction(() => {
      store.subscribers.add('a@example.org', null, 't');
      store.transaction(() => store.subscribers.add('b@example.org', null, 't'));
    });
    assert.equal(store.subscribers.counts().active, 2);
    assert.throws(
      () =>
        store.transaction(() => {
          store.subscribers.add('c@example.org', null, 't');
          throw new Error('stop');
        }),
      /stop/,
    );
    assert.equal(store.subscribers.find('c@example.org'), undefined);
    // An inner failure caught inside keeps the outer work.
    store.transaction(() => {
      store.subscribers.add('d@example.org', null, 't');
      assert.throws(() =>
        store.transaction(() => {
          store.subscribers.add('e@example.org', null, 't');
          throw new Error('inner');
        }),
      );
    });
    assert.ok(store.subscribers.find('d@example.org'));
    assert.equal(store.subscribers.find('e@example.org'), undefined);
  });

  test('dataVersion moves when another connection writes, and stays while nobody does', async (t) => {
    const { store, another } = await openFresh(backend, t);
    const other = another();
    const before = store.dataVersion();
    assert.equal(typeof before, 'number');
    store.subscribers.find('nobody@example.org');
    assert.equal(store.dataVersion(), before, 'reads do not move it');
    other.subscribers.add('w@example.org', null, 't');
    const after = store.dataVersion();
    assert.notEqual(after, before);
    assert.equal(store.dataVersion(), after);
  });

  test('constraint violations carry the codes better-sqlite3 gives (callers test them)', async (t) => {
    const { store } = await openFresh(backend, t);
    store.items.insert(item('a'));
    assert.throws(
      () => store.items.insert(item('a')),
      (err: { code?: string }) => err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY',
    );
  });

  test('backup: a consistent copy on SQLite, a clear refusal naming pg_dump on PostgreSQL', async (t) => {
    const { store } = await openFresh(backend, t);
    store.subscribers.add('a@example.org', null, 't');
    const file = join(tempDir(), 'copy.db');
    if (backend.name === 'sqlite') {
      await store.backup(file);
    } else {
      await assert.rejects(
        store.backup(file),
        (err: Error & { hint?: string }) => /PostgreSQL/.test(err.message) && /pg_dump/.test(err.hint!),
      );
    }
    assert.equal(store.dialect, backend.name);
  });
});
