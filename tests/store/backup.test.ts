/**
 * `digest backup FILE` (issue 15): SQLite's online backup while another
 * connection keeps writing; the copy opens and holds every committed row.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'vitest';
import { command as backup } from '../../src/cli/commands/backup.ts';
import { openContext } from '../../src/cli/context.ts';
import { sampleConfig } from '../helpers/config.ts';

test('digest backup copies the store while another connection writes; the copy opens with every row', async (t) => {
  const { dir, file } = sampleConfig({ subscribers: [] });
  const ctx = openContext({ config: file, json: true }, () => {});
  t.onTestFinished(() => ctx.store.close());
  const now = new Date(0).toISOString();
  ctx.store.subscribers.batch(() => {
    for (let i = 0; i < 20_000; i++) ctx.store.subscribers.add(`r${i}@example.org`, `读者${i}`, now);
  });
  // Another process (an import, a send) writing while the copy is made: one row per turn of the event loop.
  const writer = new Database(ctx.config.store.path);
  t.onTestFinished(() => {
    writer.close();
  });
  const insert = writer.prepare("INSERT INTO subscribers (email, status, created_at, updated_at) VALUES (?, 'active', ?, ?)");
  let written = 0;
  let done = false;
  const write = () => {
    if (done) return;
    insert.run(`late${written++}@example.org`, now, now);
    setImmediate(write);
  };
  setImmediate(write);
  const copy = join(dir, 'backup.db');
  const result = await backup.run(ctx, [copy], {});
  done = true;
  assert.deepEqual(result.summary, { backup: { file: copy } });
  assert.ok(written > 0, 'the other connection wrote during the backup');
  const restored = new Database(copy, { readonly: true });
  t.onTestFinished(() => {
    restored.close();
  });
  assert.equal(restored.pragma('integrity_check', { simple: true }), 'ok');
  const n = (restored.prepare('SELECT count(*) AS n FROM subscribers').get() as { n: number }).n;
  // Every row committed before the backup began is in the copy; rows written during it are all or nothing per commit.
  assert.ok(n >= 20_000 && n <= 20_000 + written, `${n} rows`);
  await assert.rejects(backup.run(ctx, [copy], {}), /exists already/);
});
