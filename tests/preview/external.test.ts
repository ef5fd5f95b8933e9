/**
 * Changes made by other processes reach open pages only when they change what
 * the page shows: an override from a terminal does, the scheduler touching
 * unrelated rows (source state, its lock) does not.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { openStore } from '../../src/store/index.ts';
import { startFixture, type PreviewFixture } from './fixture.ts';

let fx: PreviewFixture;
before(async () => {
  fx = await startFixture();
});
after(() => fx?.close());

test('another process: an unrelated write does not reload pages, an override does', async () => {
  const seen: number[] = [];
  fx.running.preview.onChange((g) => seen.push(g));
  const other = openStore(fx.ctx.config.store.path);
  try {
    other.sources.update('policy', { lastFetchedAt: new Date().toISOString() });
    await sleep(600); // three polls at 200 ms
    assert.deepEqual(seen, []);
    const snap = await fx.running.preview.snapshot();
    const itemId = snap.issue.sections.find((s) => s.items.length)!.items[0]!.id;
    other.overrides.set(itemId, { excluded: true }, new Date().toISOString());
    await sleep(600);
    assert.equal(seen.length, 1);
    const after = await fx.running.preview.snapshot();
    assert.ok(after.issue.unplaced.some((i) => i.id === itemId));
  } finally {
    other.close();
  }
});
