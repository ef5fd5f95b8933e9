import assert from 'node:assert/strict';
import { test } from 'vitest';
import { archiveEntry } from '../../src/publish/index.ts';
import { cutAtSentence } from '../../src/render/view.ts';
import { openStore } from '../../src/store/index.ts';
import type { Issue } from '../../src/types.ts';

function issue(date: string, titles: string[][]): Issue {
  let position = 0;
  return {
    date,
    title: '信息摘编',
    numbering: { year: 2024, number: 1, totalNumber: 1 },
    window: { from: `${date}T00:00:00+08:00`, to: `${date}T07:00:00+08:00` },
    cutoff: `${date}T07:00:00+08:00`,
    unplaced: [],
    sections: titles.map((items, k) => ({
      id: `s${k}`,
      title: `栏目${k}`,
      overflow: [],
      items: items.map(
        (t) =>
          ({
            id: t,
            title: t,
            position: ++position,
            issuer: k === 0 ? '工信部' : null,
            text: `${t}的正文第一句。第二句。`.repeat(20),
          }) as unknown as Issue['sections'][number]['items'][number],
      ),
    })),
  };
}

test('an approved draft goes back to draft when a rebuild changes it, not when it stays the same', () => {
  const store = openStore(':memory:');
  store.issues.save(issue('2024-07-15', [['a']]), 'now');
  store.issues.setStatus('2024-07-15', 'approved', 'now');
  store.issues.save(issue('2024-07-15', [['a']]), 'later');
  assert.equal(store.issues.get('2024-07-15')!.status, 'approved');
  store.issues.save(issue('2024-07-15', [['a', 'b']]), 'later');
  assert.equal(store.issues.get('2024-07-15')!.status, 'draft');
  assert.equal(store.issues.get('2024-07-15')!.approvedAt, null);
});

test('archive entries and dates come newest first with per-section counts of non-empty sections', () => {
  const store = openStore(':memory:');
  store.issues.save(issue('2024-07-14', [['a'], []]), 'now');
  store.issues.save(issue('2024-07-15', [['b', 'c'], ['d']]), 'now');
  assert.deepEqual(store.issues.dates(), ['2024-07-15', '2024-07-14']);
  assert.deepEqual(
    store.issues.archiveEntries().map((e) => [e.date, e.sections]),
    [
      [
        '2024-07-15',
        [
          { title: '栏目0', count: 2 },
          { title: '栏目1', count: 1 },
        ],
      ],
      ['2024-07-14', [{ title: '栏目0', count: 1 }]],
    ],
  );
  // The archive's lead headlines and excerpt come from the same query, as archiveEntry makes them.
  const [latest, earlier] = store.issues.archiveEntries();
  const full = archiveEntry(issue('2024-07-15', [['b', 'c'], ['d']]));
  assert.deepEqual(latest!.leads, full.leads);
  assert.equal(cutAtSentence(latest!.excerpt, 90).text, full.excerpt);
  assert.deepEqual(latest!.leads, ['工信部：b', 'd']);
  assert.equal(earlier!.leads.length, 1);
});

test('a render is kept only for the issue as stored, and found only under its key', () => {
  const store = openStore(':memory:');
  const stored = issue('2024-07-15', [['a']]);
  store.issues.save(stored, 'now');
  const rendered = { subject: 'S', preheader: 'P', emailHtml: '<p>e</p>', emailText: 'e', webHtml: '<p>w</p>' };
  // A composition that was never saved (the preview's) is not kept.
  store.issues.saveRendered('2024-07-15', JSON.stringify(issue('2024-07-15', [['a', 'b']])), 'k0', rendered, 'now');
  assert.equal(store.issues.rendered('2024-07-15', 'k0'), undefined);
  store.issues.saveRendered('2024-07-15', JSON.stringify(stored), 'k1', rendered, 'now');
  assert.deepEqual(store.issues.rendered('2024-07-15', 'k1'), rendered);
  assert.equal(store.issues.rendered('2024-07-15', 'k2'), undefined);
});
