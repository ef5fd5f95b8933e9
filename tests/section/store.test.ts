/**
 * The store side of sectioning, on a real SQLite file: section labels kept in
 * step with saved issues by triggers, the classifier's training rows, and
 * overrides (set, merge, clear, list, find an item by id or headline).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'vitest';
import { buildIssue } from '../../src/section/build.ts';
import { defaultSections } from '../../src/config/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { TrainingStore } from '../../src/store/training.ts';
import { tempDir } from '../helpers/tmp.ts';
import { input, item } from './helpers.ts';

const NOW = '2024-07-15T00:00:00.000Z';

function fixture(t: TestContext) {
  const store = openSqliteStore(join(tempDir(), 'digest.db'));
  t.onTestFinished(() => store.close());
  const items = [item('国务院：明确将给予央企创投基金更大支持'), item('日媒：中国风电专利竞争力跃居世界第一'), item('北京：出台硬核举措')];
  for (const i of items) store.items.insert(i);
  return { store, items, training: new TrainingStore(store.db) };
}

test('section labels follow saved issues (insert, rebuild, status) and feed the training rows', (t) => {
  const { store, items, training } = fixture(t);
  const issue = buildIssue(input(items, defaultSections()));
  store.issues.save({ ...issue, date: '2024-07-14' }, NOW);
  let rows = training.pastPlacements('2024-07-15', 10);
  assert.deepEqual(
    rows.map((r) => [r.item.issuer, r.sectionId, r.reviewed]),
    [
      ['国务院', 'hot', false],
      ['日媒', 'intl', false],
      ['北京', 'domestic', false],
    ],
  );
  assert.match(rows[0]!.reason, /^rule hot\.central-bodies/);
  assert.ok(rows[0]!.item.text.length > 0);
  // Only issues before the date, newest first, at most `limit` of them.
  assert.equal(training.pastPlacements('2024-07-14', 10).length, 0);
  assert.equal(training.pastPlacements('2024-07-15', 0).length, 0);
  // A rebuild with the item moved replaces the labels; a sent issue counts as reviewed.
  const moved = buildIssue(
    input(items, defaultSections(), {
      overrides: new Map([[items[0]!.id, { itemId: items[0]!.id, sectionId: 'industry', excluded: false, pinnedFirst: false }]]),
    }),
  );
  store.issues.save({ ...moved, date: '2024-07-14' }, NOW);
  store.issues.setStatus('2024-07-14', 'sent', NOW);
  rows = training.pastPlacements('2024-07-15', 10);
  assert.deepEqual(
    rows.map((r) => [r.item.issuer, r.sectionId, r.reviewed]),
    [
      ['国务院', 'industry', true],
      ['日媒', 'intl', true],
      ['北京', 'domestic', true],
    ],
  );
  assert.equal(rows[0]!.reason, 'moved here by an editor');
  assert.equal(rows.length, 3);
  store.close();
});

test('overrides: merge, clear, list with the item, and corrections for the classifier', (t) => {
  const { store, items, training } = fixture(t);
  const [a, b] = items;
  store.overrides.set(a!.id, { sectionId: 'industry' }, NOW);
  store.overrides.set(a!.id, { pinnedFirst: true }, NOW);
  store.overrides.set(b!.id, { excluded: true }, NOW);
  assert.deepEqual(store.overrides.get(a!.id), { itemId: a!.id, sectionId: 'industry', excluded: false, pinnedFirst: true });
  assert.deepEqual(
    training.corrections().map((c) => [c.itemId, c.sectionId, c.item.issuer]),
    [[a!.id, 'industry', '国务院']],
  );
  const listed = store.overrides.list();
  assert.equal(listed.length, 2);
  assert.equal(listed.find((o) => o.itemId === b!.id)!.item!.title, '中国风电专利竞争力跃居世界第一');
  assert.equal(store.overrides.clear(a!.id), true);
  assert.equal(store.overrides.clear(a!.id), false);
  assert.equal(store.overrides.get(a!.id), undefined);
  assert.deepEqual(training.corrections(), []);
  store.close();
});

test('finding the item an editor means: id, id prefix, headline piece with or without issuer', (t) => {
  const { store, items } = fixture(t);
  const [a] = items;
  assert.deepEqual(
    store.overrides.findItems(a!.id).map((i) => i.id),
    [a!.id],
  );
  assert.deepEqual(
    store.overrides.findItems(a!.id.slice(0, 6)).map((i) => i.id),
    [a!.id],
  );
  assert.deepEqual(
    store.overrides.findItems('央企创投基金').map((i) => i.id),
    [a!.id],
  );
  assert.deepEqual(
    store.overrides.findItems('国务院：明确将给予').map((i) => i.id),
    [a!.id],
  );
  assert.equal(store.overrides.findItems('：').length, 3);
  assert.deepEqual(store.overrides.findItems('100%_'), []);
  store.close();
});
