/**
 * The labelled set (tests/fixtures/sections/labelled.jsonl) is what the README
 * says it is: ≥ 200 items over all eight sections, ids from the printed
 * titles, a frozen split fixed by the hash (nobody moved an item between
 * splits), and seed items whose pages are copied into tests/fixtures.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'vitest';
import { assignSplit, foldOf, recordId } from '../../src/section/corpus.ts';
import { corpus, records, sections } from './corpus.ts';

describe('labelled set', () => {
  test('at least 200 items, every configured section, weighted toward the confusable ones', () => {
    assert.ok(records.length >= 200, `${records.length} items`);
    const count = (id: string) => records.filter((r) => r.section === id).length;
    for (const s of sections) assert.ok(count(s.id) >= 10, `${s.id}: ${count(s.id)}`);
    for (const id of ['hot', 'industry', 'intl']) assert.ok(count(id) >= 35, `${id} is confusable: ${count(id)}`);
    assert.deepEqual(new Set(records.map((r) => r.section)), new Set(sections.map((s) => s.id)));
  });

  test('every line is complete: printed title with its issuer, a lead, a one-line why, an origin', () => {
    for (const r of records) {
      assert.equal(r.id, recordId(r.title), r.title);
      if (r.issuer) assert.ok(r.title.startsWith(`${r.issuer}：`), r.title);
      assert.ok(r.body.length >= 20 && r.why.length >= 10 && !r.why.includes('\n'), r.title);
      assert.match(r.date, /^\d{4}-\d{2}-\d{2}$/);
      assert.match(r.origin, /^(written|seed-00[0234])$/);
      if (r.origin !== 'written')
        assert.ok(existsSync(new URL(`../fixtures/sections/seeds/${r.origin}.txt`, import.meta.url)), `${r.origin} is copied`);
    }
    assert.equal(new Set(records.map((r) => r.id)).size, records.length, 'ids are unique');
    assert.ok(records.filter((r) => r.origin !== 'written').length >= 20, 'items from the newspaper seeds');
  });

  test('the frozen split is the hash-chosen quarter of each section, as recorded', () => {
    const expected = assignSplit(records);
    for (const r of records) assert.equal(r.split, expected.get(r.id), `${r.title} is recorded as ${r.split}`);
    for (const s of sections) {
      const mine = records.filter((r) => r.section === s.id);
      assert.equal(mine.filter((r) => r.split === 'frozen').length, Math.ceil(mine.length / 4), s.id);
    }
  });

  test('folds come from the id alone and cover the training split', () => {
    const folds = corpus.filter((l) => l.record.split === 'train').map((l) => foldOf(l.record.id, 5));
    assert.deepEqual([...new Set(folds)].sort(), [0, 1, 2, 3, 4]);
    assert.equal(foldOf('l-0000000000', 5), foldOf('l-0000000000', 5));
  });
});
