/**
 * The store failing in the middle of a send (issue 15 item 7): a database
 * locked for longer than the busy timeout stops the send cleanly, names the
 * file and what to do, ends the run, and never leaves a message the server
 * accepted to be sent again.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { test } from 'vitest';
import type { Messenger } from '../../src/deliver/messenger.ts';
import type { DigestError } from '../../src/errors.ts';
import type { DeliveryRepository } from '../../src/store/index.ts';
import { ISSUE, send, storeWith } from './helpers.ts';

test('a ledger write that stays locked stops the send cleanly; what the server accepted stays sent (issue 15 item 7)', async (t) => {
  const { store, path } = storeWith(5);
  t.onTestFinished(() => store.close());
  // The send's connection gives up quickly, so "locked for seconds" takes milliseconds here.
  store.db.pragma('busy_timeout = 20');
  const holder = new Database(path, { timeout: 0 });
  t.onTestFinished(() => {
    holder.close();
  });
  const accepted: string[] = [];
  const messenger: Messenger = {
    description: 'fake',
    concurrency: 1,
    async send(message) {
      accepted.push(message.messageId);
      // While the server accepts the second message, another process takes the database and keeps it.
      if (accepted.length === 2) holder.exec('BEGIN IMMEDIATE');
      return { ok: true, response: '250 ok' };
    },
    async close() {},
  };
  // The other process lets go once the send has given up on the write.
  const deliveries: DeliveryRepository = Object.create(store.deliveries);
  let failures = 0;
  deliveries.markDone = (...args) => {
    try {
      store.deliveries.markDone(...args);
    } catch (err) {
      failures++;
      if (holder.inTransaction) holder.exec('ROLLBACK');
      throw err;
    }
  };
  const wrapped = { ...store, deliveries } as typeof store;
  await assert.rejects(send(wrapped, messenger), (err: DigestError) => {
    assert.match(
      err.message,
      new RegExp(`the delivery ledger in ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be written \\(SQLITE_BUSY`),
    );
    assert.match(err.hint ?? '', /run digest send again/);
    return true;
  });
  assert.equal(failures, 1);
  assert.equal(accepted.length, 2, 'the send stopped at the failure');
  const rows = store.db.prepare('SELECT status, count(*) AS n FROM deliveries WHERE issue_date = ? GROUP BY status').all(ISSUE);
  assert.deepEqual(rows, [
    { status: 'pending', n: 3 },
    { status: 'sent', n: 2 },
  ]);
  const runs = store.deliveries.runs(ISSUE);
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.status, 'aborted');
  assert.equal(runs[0]!.submitted, 2);
  assert.match(runs[0]!.error ?? '', /cannot be written/);
});
