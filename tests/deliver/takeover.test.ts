/**
 * A send taken over while stopped (issue 15 item 12): once its lease is lost
 * to another process, the send ends as an error saying so, not as "stopped
 * early" with exit 0. A damaged database names the file and the way back.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { checkNotTakenOver } from '../../src/cycle/send.ts';
import { acquireSendLock } from '../../src/deliver/lock.ts';
import type { DigestError } from '../../src/errors.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

test('a send whose lease another process took over fails naming the takeover (issue 15 item 12)', async (t) => {
  const store = openSqliteStore(':memory:');
  const lock = acquireSendLock(store.locks, '2024-07-15', 3000);
  t.onTestFinished(() => {
    lock.release();
    store.close();
  });
  const requested = new AbortController();
  // Not taken over: an ordinary stop is no error.
  checkNotTakenOver(lock.lost, requested.signal, '2024-07-15', 3);
  // While this process was stopped its lease ran out and another send took it.
  store.db.prepare("UPDATE locks SET owner = 'elsewhere:4242:0badf00d' WHERE name = 'send:2024-07-15'").run();
  await waitFor(() => lock.lost.aborted, 'the lease renewal to notice the takeover');
  assert.throws(
    () => checkNotTakenOver(lock.lost, requested.signal, '2024-07-15', 3),
    (err: DigestError) => err.exitCode === 1 && /taken over by another process/.test(err.message) && /submitted 3/.test(err.message),
  );
  // Stopped on request (SIGTERM) at the same time: that is the stop, not a takeover.
  requested.abort();
  checkNotTakenOver(lock.lost, requested.signal, '2024-07-15', 3);
});

test('a corrupt database file is named with the recovery (issue 15 item 12)', (t) => {
  const path = join(tempDir(), 'digest.db');
  writeFileSync(path, Buffer.alloc(8192, 'not a database '));
  assert.throws(
    () => {
      const s = openSqliteStore(path);
      t.onTestFinished(() => s.close());
    },
    (err: DigestError) =>
      err.message.includes(`the store ${path} is damaged (SQLITE_NOTADB`) &&
      /restore it from a backup/.test(err.hint ?? '') &&
      err.hint!.includes(`sqlite3 ${path} ".recover"`),
  );
});
