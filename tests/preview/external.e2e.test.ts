/**
 * Changes made by other processes reach open pages only when they change what
 * the page shows: an override from a terminal does, the scheduler touching
 * unrelated rows (source state, its lock) does not.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { startFixture, type PreviewFixture } from './fixture.ts';

let fx: PreviewFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx?.close());

test('another process: an unrelated write does not reload pages, an override does', async () => {
  const seen: number[] = [];
  fx.running.preview.onChange((g) => seen.push(g));
  const other = openStore(fx.ctx.config.store.path);
  try {
    other.sources.update('policy', { lastFetchedAt: new Date().toISOString() });
    // The check the server runs every pollMs, run here at once (the timer may run it too: the outcome is the same).
    fx.running.preview.checkExternalChanges();
    assert.deepEqual(seen, []);
    const snap = await fx.running.preview.snapshot();
    const itemId = snap.issue.sections.find((s) => s.items.length)!.items[0]!.id;
    other.overrides.set(itemId, { excluded: true }, new Date().toISOString());
    fx.running.preview.checkExternalChanges();
    assert.equal(seen.length, 1);
    const after = await fx.running.preview.snapshot();
    assert.ok(after.issue.unplaced.some((i) => i.id === itemId));
  } finally {
    other.close();
  }
});
