/**
 * `digest subscribers import` against hostile files and a busy database
 * (issue 15 items 9 and 4), in-process through the command module.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { command as subscribers } from '../../src/cli/commands/subscribers.ts';
import { openContext } from '../../src/cli/context.ts';
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
