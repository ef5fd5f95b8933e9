/**
 * `digest subscribers import` against hostile files and a busy database
 * (issue 15 items 9 and 4), in-process through the command module.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'vitest';
import { command as subscribers } from '../../src/cli/commands/subscribers.ts';
import { openContext } from '../../src/cli/context.ts';
import type { DigestError } from '../../src/errors.ts';
import type { SqliteStore } from '../../src/store/index.ts';
import { sampleConfig } from '../helpers/config.ts';

function context(t: { onTestFinished: (f: () => void) => void }) {
  const { dir, file } = sampleConfig({ subscribers: [] });
  const ctx = openContext({ config: file, json: true }, () => {});
  t.onTestFinished(() => ctx.store.close());
  return { dir, file, ctx };
}

test('a CSV record over 64 KB is skipped and reported by line with its first 200 characters (issue 15 item 9)', async (t) => {
  const { dir, ctx } = context(t);
  const csv = join(dir, 'hostile.csv');
  const huge = `${'x'.repeat(300)}${'y'.repeat(3 * 1024 * 1024)}@example.org,巨大`;
  // An unclosed quote in a huge field must not swallow the rest of the file either.
  const unclosed = `"${'z'.repeat(100 * 1024)}`;
  writeFileSync(csv, ['email,name', 'a@example.org,甲', huge, 'b@example.org,乙', unclosed, 'c@example.org,丙', ''].join('\n'));
  const r = (await subscribers.run(ctx, ['import', csv], {})).summary.subscribers as { counts: object; rejected: number; errors: string[] };
  assert.deepEqual(r.counts, { added: 3 });
  assert.equal(r.rejected, 2);
  assert.equal(r.errors.length, 2);
  assert.ok(r.errors[0]!.startsWith(`${csv}:3: record longer than 64 KB`), r.errors[0]);
  assert.ok(r.errors[0]!.includes(`"${'x'.repeat(200)}…"`), 'shows the first 200 characters');
  assert.ok(r.errors[0]!.length < 400, `the error does not carry the line (${r.errors[0]!.length} chars)`);
  assert.ok(r.errors[1]!.startsWith(`${csv}:5: record longer than 64 KB`), r.errors[1]);
  assert.ok(r.errors[1]!.length < 400);
  assert.ok(ctx.store.subscribers.find('c@example.org'), 'the row after an unclosed huge field is read');
});

test('an import while another connection writes waits for it; no row is reported bad (issue 15 item 4)', async (t) => {
  const { dir, ctx } = context(t);
  const sender = new Database(ctx.config.store.path, { timeout: 0 });
  t.onTestFinished(() => {
    sender.close();
  });
  const store = ctx.store.subscribers as unknown as { find: (email: string) => unknown };
  const find = store.find.bind(store);
  let interleaved = false;
  // Between the import's read and its write, another process (a send) commits.
  store.find = (email: string) => {
    const found = find(email);
    if (!interleaved) {
      interleaved = true;
      try {
        sender
          .prepare("INSERT INTO subscribers (email, status, created_at, updated_at) VALUES ('x@example.org', 'active', 'now', 'now')")
          .run();
      } catch (err) {
        // The import holds the write lock: the other writer waits (here: gives up at once).
        assert.equal((err as { code?: string }).code, 'SQLITE_BUSY');
      }
    }
    return found;
  };
  const csv = join(dir, 'list.csv');
  writeFileSync(csv, Array.from({ length: 30 }, (_, i) => `r${i}@example.org,读者${i}`).join('\n'));
  const r = (await subscribers.run(ctx, ['import', csv], {})).summary.subscribers as { counts: object; rejected: number; errors: string[] };
  assert.ok(interleaved);
  assert.deepEqual(r.errors, []);
  assert.equal(r.rejected, 0);
  assert.deepEqual(r.counts, { added: 30 });
});

test('a database busy for longer: exit 1 saying how many rows were kept (issue 15 item 4)', async (t) => {
  const { dir, ctx } = context(t);
  // The test's own connection gives up sooner than the 5 s default, so the lasting case is quick.
  (ctx.store as SqliteStore).db.pragma('busy_timeout = 50');
  const holder = new Database(ctx.config.store.path, { timeout: 0 });
  t.onTestFinished(() => {
    holder.close();
  });
  const store = ctx.store.subscribers as unknown as { batch: <T>(fn: () => T) => T };
  const batch = store.batch.bind(store);
  store.batch = <T>(fn: () => T): T => {
    const out = batch(fn);
    // After the first 1,000 rows are committed, another connection takes the write lock and keeps it.
    if (!holder.inTransaction) holder.exec('BEGIN IMMEDIATE');
    return out;
  };
  const csv = join(dir, 'list.csv');
  writeFileSync(csv, Array.from({ length: 2500 }, (_, i) => `r${i}@example.org,读者${i}`).join('\n'));
  await assert.rejects(subscribers.run(ctx, ['import', csv], {}), (err: DigestError) => {
    assert.equal(err.exitCode, 1);
    assert.match(err.message, /stayed busy .*1000 rows were imported and kept, the rest from line 1001 on were not/);
    assert.match(err.message, new RegExp(ctx.config.store.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(err.hint ?? '', /import again/);
    return true;
  });
  holder.exec('ROLLBACK');
  assert.equal(ctx.store.subscribers.counts().active, 1000);
});
