/**
 * Contract suite, part 1: what editors and builds store — items and their
 * duplicate keys, issues and their renders, variants, overrides, revisions,
 * history, training rows, source state — on every backend (BACKENDS).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { archiveEntry } from '../../src/publish/index.ts';
import { cutAtSentence } from '../../src/render/view.ts';
import { BACKENDS, issue, item, openFresh } from './backends.ts';

const RENDERED = { subject: 'S', preheader: 'P', emailHtml: '<p>e</p>', emailText: 'e', webHtml: '<p>w</p>' };

describe.each(BACKENDS)('$name store', (backend) => {
  test('items: insert, get, update, duplicates by guid/link/fingerprint and by merged keys, candidates, assignment', async (t) => {
    const { store } = await openFresh(backend, t);
    const a = item('a', { attachments: ['《通知》'], categories: ['政策'] });
    store.items.insert(a);
    store.items.insert(item('b', { guid: '7', firstSeenAt: '2024-07-14T10:00:00.000Z' }));
    assert.deepEqual(store.items.get('a'), a);
    assert.equal(store.items.has('a'), true);
    assert.equal(store.items.has('zz'), false);
    assert.equal(store.items.count(), 2);
    store.items.update({ ...a, title: '新标题', attachments: [] });
    assert.equal(store.items.get('a')!.title, '新标题');
    assert.deepEqual(store.items.get('a')!.attachments, []);
    // A local guid is scoped to its source; a global one is not.
    assert.equal(store.items.hasGuid('gov', '7'), true);
    assert.equal(store.items.hasGuid('other', '7'), false);
    assert.equal(store.items.hasGuid('other', 'https://example.org/a'), true);
    assert.equal(store.items.findDuplicate({ sourceId: 'x', link: 'https://example.org/a', fingerprint: 'none' })!.by, 'link');
    assert.equal(store.items.findDuplicate({ sourceId: 'x', fingerprint: 'fp-b' })!.item.id, 'b');
    assert.equal(store.items.findDuplicate({ sourceId: 'x', fingerprint: 'none' }), undefined);
    // A merged copy: its outlet is listed once, its keys lead to the item.
    const other = { outlet: '新京报', link: 'https://news.example/1', sourceId: 'bj' };
    assert.equal(
      store.items.addOtherOutlet('a', other, { sourceId: 'bj', guid: 'g1', link: 'https://news.example/1', fingerprint: 'fp-x' }),
      true,
    );
    assert.equal(
      store.items.addOtherOutlet('a', other, { sourceId: 'bj', guid: 'g1', link: 'https://news.example/1', fingerprint: 'fp-x' }),
      false,
    );
    assert.equal(store.items.addOtherOutlet('missing', other), false);
    assert.deepEqual(store.items.findDuplicate({ sourceId: 'bj', guid: 'g1', fingerprint: 'n' }), {
      item: store.items.get('a'),
      by: 'guid',
    });
    assert.equal(store.items.hasGuid('bj', 'g1'), true);
    assert.equal(store.items.findDuplicate({ sourceId: 'q', fingerprint: 'fp-x' })!.item.id, 'a');
    assert.deepEqual(store.items.removeOtherOutlet('a', 0), other);
    assert.equal(store.items.removeOtherOutlet('a', 0), undefined);
    assert.equal(store.items.findDuplicate({ sourceId: 'q', link: 'https://news.example/1', fingerprint: 'n' }), undefined);
    // Headlines and recent items, oldest first; candidates until assigned to an earlier issue.
    assert.deepEqual(
      store.items.headlinesSince('2024-07-14T00:00:00.000Z').map((h) => h.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      store.items.recent('2024-07-14T09:30:00.000Z').map((i) => i.id),
      ['b'],
    );
    store.items.assignToIssue('2024-07-14', ['a']);
    assert.deepEqual(
      store.items.inIssue('2024-07-14').map((i) => i.id),
      ['a'],
    );
    assert.deepEqual(
      store.items.candidates('2024-07-15').map((i) => i.id),
      ['b'],
    );
    assert.deepEqual(
      store.items.candidates('2024-07-14').map((i) => i.id),
      ['a', 'b'],
    );
    store.items.assignToIssue('2024-07-14', ['b']);
    assert.deepEqual(
      store.items.inIssue('2024-07-14').map((i) => i.id),
      ['b'],
    );
    // A transaction that throws leaves nothing behind.
    assert.throws(() =>
      store.items.transaction(() => {
        store.items.insert(item('c'));
        throw new Error('stop');
      }),
    );
    assert.equal(store.items.has('c'), false);
  });

  test('issues: save keeps approval only for the same content; numbering counts, lists and progress', async (t) => {
    const { store } = await openFresh(backend, t);
    store.issues.save(issue('2024-07-15', [['a']]), 'now');
    assert.equal(store.issues.has('2024-07-15'), true);
    store.issues.setStatus('2024-07-15', 'approved', 'then');
    store.issues.save(issue('2024-07-15', [['a']]), 'later');
    assert.equal(store.issues.get('2024-07-15')!.status, 'approved');
    assert.equal(store.issues.get('2024-07-15')!.approvedAt, 'then');
    store.issues.save(issue('2024-07-15', [['a', 'b']]), 'later');
    assert.equal(store.issues.get('2024-07-15')!.status, 'draft');
    assert.equal(store.issues.get('2024-07-15')!.approvedAt, null);
    assert.equal(store.issues.get('2024-07-15')!.createdAt, 'now');
    store.issues.save(issue('2024-07-14', [['c']]), 'now');
    store.issues.save(issue('2023-12-30', [['d']]), 'now');
    assert.deepEqual(store.issues.countsBefore('2024-07-15'), { inYear: 1, total: 2 });
    assert.deepEqual(store.issues.countsBefore('2023-01-01'), { inYear: 0, total: 0 });
    assert.equal(store.issues.previous('2024-07-15')!.issue.date, '2024-07-14');
    assert.equal(store.issues.previous('2023-12-30'), undefined);
    assert.deepEqual(
      store.issues.latest(2).map((s) => s.issue.date),
      ['2024-07-15', '2024-07-14'],
    );
    assert.equal(store.issues.firstDate(), '2023-12-30');
    store.issues.setStatus('2024-07-14', 'sent', 'x');
    store.issues.setStatus('2023-12-30', 'approved', 'y');
    assert.deepEqual(store.issues.pending(), [
      { date: '2024-07-15', status: 'draft', createdAt: 'now', approvedAt: null },
      { date: '2023-12-30', status: 'approved', createdAt: 'now', approvedAt: 'y' },
    ]);
    assert.deepEqual(store.issues.recent(2), [
      { date: '2024-07-15', status: 'draft' },
      { date: '2024-07-14', status: 'sent' },
    ]);
    store.subscribers.add('r@example.org', null, 'now');
    store.deliveries.plan('2024-07-14', 'example.org', 'now');
    assert.deepEqual(store.issues.progress('2024-07-14'), [
      { date: '2023-12-30', status: 'approved', unfinished: 0 },
      { date: '2024-07-14', status: 'sent', unfinished: 1 },
      { date: '2024-07-15', status: 'draft', unfinished: 0 },
    ]);
  });

  test('archive entries and dates come newest first with per-section counts of non-empty sections', async (t) => {
    const { store } = await openFresh(backend, t);
    store.issues.save(issue('2024-07-14', [['a'], []]), 'now');
    store.issues.save(issue('2024-07-15', [['b', 'c'], ['d']]), 'now');
    assert.deepEqual(store.issues.dates(), ['2024-07-15', '2024-07-14']);
    const entries = store.issues.archiveEntries();
    assert.deepEqual(
      entries.map((e) => [e.date, e.numbering, e.sections]),
      [
        [
          '2024-07-15',
          { year: 2024, number: 1, totalNumber: 1 },
          [
            { title: '栏目0', count: 2 },
            { title: '栏目1', count: 1 },
          ],
        ],
        ['2024-07-14', { year: 2024, number: 1, totalNumber: 1 }, [{ title: '栏目0', count: 1 }]],
      ],
    );
    // The lead headlines and excerpt come from the same query, as archiveEntry makes them.
    const full = archiveEntry(issue('2024-07-15', [['b', 'c'], ['d']]));
    assert.deepEqual(entries[0]!.leads, full.leads);
    assert.deepEqual(entries[0]!.leads, ['工信部：b', 'd']);
    assert.equal(cutAtSentence(entries[0]!.excerpt, 90).text, full.excerpt);
    assert.equal(entries[1]!.leads.length, 1);
  });

  test('renders and variants are kept only for the issue as stored, and found only under their key', async (t) => {
    const { store } = await openFresh(backend, t);
    const stored = issue('2024-07-15', [['a']]);
    store.issues.save(stored, 'now');
    // A composition that was never saved (the preview's) is not kept.
    store.issues.saveRendered('2024-07-15', JSON.stringify(issue('2024-07-15', [['a', 'b']])), 'k0', RENDERED, 'now');
    assert.equal(store.issues.rendered('2024-07-15', 'k0'), undefined);
    store.issues.saveRendered('2024-07-15', JSON.stringify(stored), 'k1', RENDERED, 'now');
    assert.deepEqual(store.issues.rendered('2024-07-15', 'k1'), RENDERED);
    store.issues.saveRendered('2024-07-15', JSON.stringify(stored), 'k2', { ...RENDERED, subject: 'S2' }, 'later');
    assert.equal(store.issues.rendered('2024-07-15', 'k1'), undefined);
    assert.equal(store.issues.rendered('2024-07-15', 'k2')!.subject, 'S2');
    store.variants.save('2024-07-15', '["s0"]', 'v1', RENDERED, 'now');
    assert.deepEqual(store.variants.rendered('2024-07-15', '["s0"]', 'v1'), RENDERED);
    assert.equal(store.variants.rendered('2024-07-15', '["s0"]', 'v2'), undefined);
    store.variants.save('2024-07-15', '["s0"]', 'v2', { ...RENDERED, subject: 'V2' }, 'now');
    assert.equal(store.variants.rendered('2024-07-15', '["s0"]', 'v2')!.subject, 'V2');
    // Not for an issue that is not stored.
    store.variants.save('2024-07-16', '["s0"]', 'v1', RENDERED, 'now');
    assert.equal(store.variants.rendered('2024-07-16', '["s0"]', 'v1'), undefined);
  });

  test('overrides, editor order, additions, item search and the training rows they feed', async (t) => {
    const { store } = await openFresh(backend, t);
    store.items.insert(item('a1b2c3d4', { title: '数据要素市场', firstSeenAt: '2024-07-14T09:00:00.000Z' }));
    store.items.insert(
      item('a1b2ffff', { title: 'AI 芯片出口', issuer: null, firstSeenAt: '2024-07-14T10:00:00.000Z', publishedAt: null }),
    );
    assert.deepEqual(store.overrides.set('a1b2c3d4', { sectionId: 's1' }, '2024-07-14T01:00:00Z'), {
      itemId: 'a1b2c3d4',
      sectionId: 's1',
      excluded: false,
      pinnedFirst: false,
    });
    store.overrides.set('a1b2c3d4', { pinnedFirst: true }, '2024-07-14T02:00:00Z');
    store.overrides.set('gone', { excluded: true }, '2024-07-14T03:00:00Z');
    assert.deepEqual(store.overrides.get('a1b2c3d4'), { itemId: 'a1b2c3d4', sectionId: 's1', excluded: false, pinnedFirst: true });
    assert.equal(store.overrides.all().size, 2);
    const listed = store.overrides.list();
    assert.deepEqual(
      listed.map((o) => [o.itemId, o.item?.title ?? null]),
      [
        ['gone', null],
        ['a1b2c3d4', '数据要素市场'],
      ],
    );
    assert.deepEqual(store.training.corrections(), [
      { itemId: 'a1b2c3d4', item: { title: '数据要素市场', issuer: '工信部', outlet: '人民网', text: '正文a1b2c3d4。' }, sectionId: 's1' },
    ]);
    assert.equal(store.overrides.clear('gone'), true);
    assert.equal(store.overrides.clear('gone'), false);
    // Finding an item: exact id, id prefix, a piece of the headline (with or without the issuer; case-insensitive ASCII).
    assert.deepEqual(
      store.overrides.findItems('a1b2c3d4').map((r) => r.id),
      ['a1b2c3d4'],
    );
    assert.deepEqual(
      store.overrides.findItems('a1b2').map((r) => r.id),
      ['a1b2ffff', 'a1b2c3d4'],
    );
    assert.deepEqual(
      store.overrides.findItems('工信部：数据').map((r) => r.id),
      ['a1b2c3d4'],
    );
    assert.deepEqual(
      store.overrides.findItems('ai 芯片').map((r) => r.id),
      ['a1b2ffff'],
    );
    assert.deepEqual(
      store.overrides.findItems('100%').map((r) => r.id),
      [],
    );
    assert.deepEqual(
      store.overrides.search({ words: '数据 市场' }).map((h) => h.id),
      ['a1b2c3d4'],
    );
    assert.deepEqual(
      store.overrides.search({ sourceId: 'gov', date: '2024-07-14' }).map((h) => h.id),
      ['a1b2ffff', 'a1b2c3d4'],
    );
    assert.deepEqual(store.overrides.search({ sourceId: 'none' }), []);
    store.overrides.setOrder(['a1b2ffff', 'a1b2c3d4'], 'now');
    assert.deepEqual([...store.overrides.ranks()].sort(), [
      ['a1b2c3d4', 1],
      ['a1b2ffff', 0],
    ]);
    store.overrides.clearOrder(['a1b2ffff']);
    assert.deepEqual([...store.overrides.ranks()], [['a1b2c3d4', 1]]);
    store.overrides.addToIssue('a1b2ffff', '2024-07-15', 'now');
    store.overrides.addToIssue('a1b2ffff', '2024-07-16', 'now');
    assert.deepEqual(store.overrides.additions('2024-07-16'), ['a1b2ffff']);
    assert.equal(store.overrides.removeAddition('a1b2ffff'), true);
    assert.deepEqual(store.overrides.additions('2024-07-16'), []);
  });

  test('section labels follow saved issues (insert, rebuild, delete by rebuild) and feed pastPlacements', async (t) => {
    const { store } = await openFresh(backend, t);
    store.issues.save(issue('2024-07-13', [['a'], ['b']]), 'now');
    store.issues.save(issue('2024-07-14', [['c']]), 'now');
    store.issues.setStatus('2024-07-14', 'approved', 'now');
    const placements = store.training.pastPlacements('2024-07-15', 5);
    assert.deepEqual(
      placements.map((p) => [p.itemId, p.sectionId, p.reviewed, p.reason, p.item.issuer]),
      [
        ['c', 's0', true, 'rule:r0', '工信部'],
        ['a', 's0', false, 'rule:r0', '工信部'],
        ['b', 's1', false, 'rule:r1', null],
      ],
    );
    assert.equal(placements[0]!.item.text.length, 400);
    assert.deepEqual(
      store.training.pastPlacements('2024-07-15', 1).map((p) => p.itemId),
      ['c'],
    );
    assert.deepEqual(store.training.pastPlacements('2024-07-15', 0), []);
    // A rebuild moves b to the first section and drops a.
    store.issues.save(issue('2024-07-13', [['b']]), 'later');
    assert.deepEqual(
      store.training.pastPlacements('2024-07-14', 5).map((p) => [p.itemId, p.sectionId]),
      [['b', 's0']],
    );
  });

  test('revisions: newest in force, undo returns to the one before; history newest first with headlines', async (t) => {
    const { store } = await openFresh(backend, t);
    store.items.insert(item('a'));
    const first = store.revisions.add('a', { title: '改一' }, 'ed', 't1');
    const second = store.revisions.add('a', { title: '改二', attachments: ['附'] }, 'ed', 't2');
    assert.ok(second.id > first.id);
    assert.deepEqual(store.revisions.get('a'), second);
    assert.deepEqual([...store.revisions.current()], [['a', second]]);
    assert.deepEqual(store.revisions.undo('a'), first);
    assert.equal(store.revisions.undo('a'), undefined);
    assert.equal(store.revisions.undo('a'), false);
    store.history.record({ at: 't1', editor: 'ed', itemId: 'a', action: 'edit', detail: 'title' });
    store.history.record({ at: 't2', editor: 'ed', itemId: null, action: 'fetch' });
    store.history.record({ at: 't3', editor: 'ed', itemId: 'gone', action: 'move' });
    const recent = store.history.recent();
    assert.deepEqual(
      recent.map((h) => [h.action, h.headline, h.detail]),
      [
        ['move', null, ''],
        ['fetch', null, ''],
        ['edit', '工信部：标题a', 'title'],
      ],
    );
    assert.deepEqual(
      store.history.recent(10, 'a').map((h) => h.action),
      ['edit'],
    );
    assert.equal(store.history.recent(1).length, 1);
  });

  test('source state merges patches and keeps flags', async (t) => {
    const { store } = await openFresh(backend, t);
    assert.equal(store.sources.get('gov'), undefined);
    store.sources.update('gov', { url: 'https://a.example/feed', etag: '"e1"', consecutiveFailures: 2 });
    store.sources.update('gov', { disabled: true, disabledReason: 'gone (410)' });
    assert.deepEqual(store.sources.get('gov'), {
      id: 'gov',
      url: 'https://a.example/feed',
      configuredUrl: null,
      etag: '"e1"',
      lastModified: null,
      disabled: true,
      disabledReason: 'gone (410)',
      lastStatus: null,
      lastError: null,
      lastFetchedAt: null,
      consecutiveFailures: 2,
    });
  });

  test('merged copies: kept whole once, listed first merged first, found behind an outlet, removed on split', async (t) => {
    const { store } = await openFresh(backend, t);
    const later = item('b', { sourceId: 'news', outlet: '新京报', link: 'https://b.example/1', firstSeenAt: '2024-07-14T10:00:00.000Z' });
    const earlier = item('c', { sourceId: 'wire', outlet: '人民网', link: 'https://c.example/1', attachments: ['附件.pdf'] });
    store.merged.keep('a', later);
    store.merged.keep('a', earlier);
    store.merged.keep('a', { ...later, title: '又一次' }); // seen again: the first copy stays
    assert.deepEqual(
      store.merged.list('a').map((c) => [c.id, c.title, c.attachments]),
      [
        ['c', '标题c', ['附件.pdf']],
        ['b', '标题b', []],
      ],
    );
    assert.equal(store.merged.find('a', { sourceId: 'news', outlet: '新京报', link: 'https://b.example/1' })?.id, 'b');
    store.merged.remove('a', 'b');
    assert.deepEqual(
      store.merged.list('a').map((c) => c.id),
      ['c'],
    );
    assert.deepEqual(store.merged.list('other'), []);
  });
});
