/**
 * The feed files read by an independent parser in another process: Python's
 * feedparser (bozo must be false) and Python's json module. The renderers'
 * own checks (snapshots, rss-parser, the JSON Feed spec) are in feeds.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { renderAtom } from '../../src/publish/atom.ts';
import { issueFeed } from '../../src/publish/feeds.ts';
import { SETTINGS } from '../fixtures/publish/issues.ts';
import { BASE, writeFeedFiles } from './feed-fixtures.ts';
import { feedparser, pythonJsonFeed, relativeLinks } from './helpers.ts';

const dir = writeFeedFiles();

test('feedparser reads RSS, Atom and the item feed without errors (bozo false)', () => {
  for (const name of ['feed.xml', 'atom.xml', 'items.xml'] as const) {
    const p = feedparser(join(dir, name));
    assert.equal(p.bozo, false, `${name}: ${p.bozoException}`);
    assert.equal(p.version, name === 'atom.xml' ? 'atom10' : 'rss20', name);
    assert.equal(p.feed.language, 'zh-CN', name);
    assert.equal(p.feed.link, BASE, name);
    assert.ok(
      p.feed.links.some((l) => l.rel === 'self' && l.href === `${BASE}${name}`),
      `${name}: self link`,
    );
    for (const e of p.entries) assert.deepEqual(relativeLinks(e.content[0]!.value), [], `${name} ${e.title}: absolute links only`);
  }
  const rss = feedparser(join(dir, 'feed.xml'));
  assert.deepEqual(
    rss.entries.map((e) => [e.id, e.publishedUtc]),
    [
      [`${BASE}issues/2024-07-15/`, '2024-07-14T23:00:00Z'],
      [`${BASE}issues/2024-07-14/`, '2024-07-13T23:00:00Z'],
    ],
  );
  assert.equal(rss.entries[0]!.content[0]!.type, 'text/html');
  assert.match(rss.entries[0]!.content[0]!.value, /专精特新中小企业 &amp; “小巨人”/);
  const atom = feedparser(join(dir, 'atom.xml'));
  assert.equal(atom.feed.updated, '2024-07-14T23:00:00Z');
  assert.deepEqual(
    atom.entries.map((e) => e.updatedUtc),
    ['2024-07-14T23:00:00Z', '2024-07-13T23:00:00Z'],
  );
  assert.equal(atom.feed.author, '天津港保税区文教局');
});

test('JSON Feed 1.1: readable by Python, same ids and dates as the XML feeds', () => {
  const py = pythonJsonFeed(join(dir, 'feed.json'));
  assert.deepEqual(
    py.items.map((i) => [i.id, i.utc]),
    [
      [`${BASE}issues/2024-07-15/`, '2024-07-14T23:00:00Z'],
      [`${BASE}issues/2024-07-14/`, '2024-07-13T23:00:00Z'],
    ],
  );
});

test('an empty feed is still valid', () => {
  const empty = issueFeed([], SETTINGS);
  const path = join(dir, 'empty.xml');
  writeFileSync(path, renderAtom(empty, `${BASE}atom.xml`));
  const p = feedparser(path);
  assert.equal(p.bozo, false, p.bozoException ?? '');
  assert.equal(p.entries.length, 0);
});
