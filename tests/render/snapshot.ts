/**
 * Snapshot files under tests/fixtures/issues/. `UPDATE_SNAPSHOTS=1` writes
 * them; otherwise a missing or different snapshot fails the test with the
 * first differing line, so a change of output is always a reviewed change.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ISSUES_DIR } from './fixtures.ts';

const HINT = 'if the change is intended, run: UPDATE_SNAPSHOTS=1 node --import tsx --test tests/render/snapshot.test.ts';

/**
 * The email HTML is compacted onto few long lines; a snapshot breaks it
 * before block tags so a change shows as a readable line diff.
 */
function readable(name: string, content: string): string {
  if (!name.endsWith('.email.html')) return content;
  return content.replace(/(?<!\n)<(h[1-6]|p|div|table|tr|style|meta|!--\[if)\b/g, '\n<$1');
}

/** Compare `actual` with the snapshot `name` (a file in tests/fixtures/issues/). */
export function matchSnapshot(name: string, output: string): void {
  const path = `${ISSUES_DIR}${name}`;
  const actual = readable(name, output);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `snapshot ${path} is missing; ${HINT}`);
  const expected = readFileSync(path, 'utf8');
  if (expected === actual) return;
  const a = actual.split('\n');
  const e = expected.split('\n');
  const line = a.findIndex((l, i) => l !== e[i]);
  const at = line === -1 ? Math.min(a.length, e.length) : line;
  assert.fail(
    `${name} differs from its snapshot at line ${at + 1}:\n` +
      `  expected: ${JSON.stringify(e[at]?.slice(0, 300))}\n` +
      `  actual:   ${JSON.stringify(a[at]?.slice(0, 300))}\n${HINT}`,
  );
}
