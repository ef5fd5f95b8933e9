/**
 * The PostgreSQL store's non-blocking ledger writes (Driver.runAsync, the
 * send loop's claims): while the database holds one back, the calling
 * thread's event loop goes on (a sender's other connections keep sending);
 * writes that arrive meanwhile go together in one statement; they have a
 * connection of their own, in the calling thread (pg-async.ts); closing the
 * store fails what is still waiting.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'vitest';
import { openStore, type PostgresStore } from '../../src/store/index.ts';
import { freshDatabase } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/wait.ts';

const DATE = '2024-07-15';
const NOW = '2024-07-15T00:30:00.000Z';

/** A store with `n` planned deliveries, and a second connection to the same database (another process). */
async function planned(t: TestContext, n = 3): Promise<{ store: PostgresStore; other: PostgresStore }> {
  const url = await freshDatabase();
  const store = openStore(url) as PostgresStore;
  const other = openStore(url) as PostgresStore;
  t.onTestFinished(() => {
    other.close();
    store.close();
  });
  store.subscribers.batch(() => {
    for (let i = 1; i <= n; i++) store.subscribers.add(`r${i}@example.org`, null, NOW);
  });
  store.deliveries.plan(DATE, 'example.org', NOW);
  // Guards against a hang only: were the write blocking, the thread could not run the test's own COMMIT below.
  store.driver.query("SET lock_timeout = '20s'");
  return { store, other };
}

/** Hold the ledger row of `subscriberId` locked from the other connection until its COMMIT. */
function lockRow(other: PostgresStore, subscriberId: number): void {
  other.driver.query('BEGIN');
  other.driver.query('SELECT 1 FROM deliveries WHERE issue_date = $1 AND subscriber_id = $2 FOR UPDATE', [DATE, subscriberId]);
}

/** Does a statement of another connection wait for a row lock now? */
function someoneWaitsForALock(other: PostgresStore): boolean {
  // Inside its transaction `other` would otherwise see the activity of the first read again (and no connection opened since).
  other.driver.query('SELECT pg_stat_clear_snapshot()');
  return (
    other.driver.query("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
      .rows[0]!.n === 1
  );
}

test('a claim waiting for the database leaves the event loop running, and resolves once committed', async (t) => {
  const { store, other } = await planned(t);
  lockRow(other, 1);
  let settled = false;
  const claim = store.deliveries.markSendingAsync(DATE, 1, NOW).finally(() => {
    settled = true;
  });
  // waitFor's timers run only if this thread is free while the statement waits on the server
  // (a blocking write would return only once its lock timeout failed it: settled).
  await waitFor(() => settled || someoneWaitsForALock(other), 'the claim to wait for the locked row');
  assert.equal(settled, false, 'the claim waits on the server while this thread goes on');
  other.driver.query('COMMIT');
  assert.equal(await claim, true);
  assert.equal(store.deliveries.get(DATE, 1)?.status, 'sending');
});

test('sent and the next claim in one non-blocking write; a next that is not pending is not claimed', async (t) => {
  const { store, other } = await planned(t);
  assert.equal(await store.deliveries.markSendingAsync(DATE, 1, NOW), true);
  lockRow(other, 2);
  const both = store.deliveries.markSentThenSendingAsync(DATE, 1, '250 2.0.0 Ok: queued', 2, NOW);
  await waitFor(() => someoneWaitsForALock(other), 'the write to wait for the locked row');
  other.driver.query('COMMIT');
  assert.equal(await both, true);
  assert.equal(store.deliveries.get(DATE, 1)?.status, 'sent');
  assert.equal(store.deliveries.get(DATE, 2)?.status, 'sending');
  other.deliveries.markDone(DATE, 3, 'sent', null, NOW);
  assert.equal(await store.deliveries.markSentThenSendingAsync(DATE, 2, '250 ok', 3, NOW), false);
  assert.deepEqual(store.deliveries.totals(DATE), { pending: 0, sending: 0, sent: 3, failed: 0, skipped: 0 });
});

test('writes that arrive while one is on its way go together, in one statement', async (t) => {
  const { store, other } = await planned(t, 5);
  lockRow(other, 1);
  let before = store.driver.roundTrips;
  const first = store.deliveries.markSendingAsync(DATE, 1, NOW);
  await waitFor(() => someoneWaitsForALock(other), 'the first claim to wait for the locked row');
  const second = store.deliveries.markSendingAsync(DATE, 2, NOW);
  const third = store.deliveries.markSendingAsync(DATE, 3, NOW);
  other.driver.query('COMMIT');
  assert.deepEqual(await Promise.all([first, second, third]), [true, true, true]);
  assert.equal(store.driver.roundTrips - before, 2, 'the first alone, then the two that waited');
  // Sent with the next claim, two connections at once; one's next is in flight already, so not claimed.
  lockRow(other, 4);
  before = store.driver.roundTrips;
  const fourth = store.deliveries.markSendingAsync(DATE, 4, NOW);
  await waitFor(() => someoneWaitsForALock(other), 'the claim to wait for the locked row');
  const afterOne = store.deliveries.markSentThenSendingAsync(DATE, 1, '250 one', 5, NOW);
  const afterTwo = store.deliveries.markSentThenSendingAsync(DATE, 2, '250 two', 3, NOW);
  other.driver.query('COMMIT');
  assert.deepEqual(await Promise.all([fourth, afterOne, afterTwo]), [true, true, false]);
  assert.equal(store.driver.roundTrips - before, 2);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((id) => store.deliveries.get(DATE, id)?.status),
    ['sent', 'sent', 'sending', 'sending', 'sending'],
  );
  assert.equal(store.deliveries.get(DATE, 3)?.attempts, 1, 'claimed once');
});

test('the non-blocking writes have a connection of their own, so a transaction of the blocking one does not hold them up', async (t) => {
  const { store, other } = await planned(t);
  // The store's blocking connection holds row 1 in a transaction; the claim of row 2 commits meanwhile, and is
  // seen by every connection once it has resolved.
  store.driver.query('BEGIN');
  store.driver.query('SELECT 1 FROM deliveries WHERE issue_date = $1 AND subscriber_id = 1 FOR UPDATE', [DATE]);
  assert.equal(await store.deliveries.markSendingAsync(DATE, 2, NOW), true);
  assert.equal(other.deliveries.get(DATE, 2)?.status, 'sending');
  store.driver.query('COMMIT');
  assert.equal(store.deliveries.get(DATE, 2)?.status, 'sending');
});

test('closing the store fails a write still waiting for its answer', async (t) => {
  const { store, other } = await planned(t);
  lockRow(other, 1);
  const claim = store.deliveries.markSendingAsync(DATE, 1, NOW);
  await waitFor(() => someoneWaitsForALock(other), 'the claim to wait for the locked row');
  store.close();
  await assert.rejects(claim, /closed/);
  // The server may still finish it once the lock is free: in doubt like any write a crash cuts off (left `sending`, sent again by whoever resumes the block).
  other.driver.query('ROLLBACK');
});

test('a non-blocking statement inside a transaction is refused', async (t) => {
  const { store } = await planned(t);
  const refused = store.driver.transaction(() => store.deliveries.markSendingAsync(DATE, 1, NOW));
  await assert.rejects(refused, /inside a transaction/);
  assert.equal(store.deliveries.get(DATE, 1)?.status, 'pending');
});
