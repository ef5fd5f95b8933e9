/**
 * The feed renderers on fixed fixtures: snapshots of the exact output, the
 * files read by rss-parser, and the JSON Feed checked against the 1.1 spec.
 * Python's feedparser reads the same files in feeds.e2e.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { DomUtils, parseDocument } from 'htmlparser2';
import Parser from 'rss-parser';
import { issueFeed, itemFeed } from '../../src/publish/feeds.ts';
import { renderRss } from '../../src/publish/rss.ts';
import { FIRST, SECOND, SETTINGS } from '../fixtures/publish/issues.ts';
import { BASE, files, items, published } from './feed-fixtures.ts';
import { assertSnapshot, jsonFeedProblems, relativeLinks } from './helpers.ts';

test('snapshots: feed.xml, atom.xml, feed.json, items.xml', () => {
  for (const [name, text] of Object.entries(files)) assertSnapshot(name, text);
});

test('dates are in the publication timezone: RFC 822 with +0800, RFC 3339 with +08:00', () => {
  assert.match(files['feed.xml'], /<pubDate>Mon, 15 Jul 2024 07:00:00 \+0800<\/pubDate>/);
  assert.match(files['feed.xml'], /<lastBuildDate>Mon, 15 Jul 2024 07:00:00 \+0800<\/lastBuildDate>/);
  assert.match(files['atom.xml'], /<published>2024-07-15T07:00:00\+08:00<\/published>/);
  assert.match(files['atom.xml'], /<feed [^>]*>\n {2}<id>[^<]+<\/id>\n[\s\S]*?<updated>2024-07-15T07:00:00\+08:00<\/updated>/);
  assert.equal(JSON.parse(files['feed.json']).items[1].date_published, '2024-07-14T07:00:00+08:00');
  // Item feed: pubDate says when the item was published in an issue; the source's own time
  // (given in UTC) stays in dc:date, shown in the publication's zone too.
  assert.equal(files['items.xml'].match(/<pubDate>Mon, 15 Jul 2024 07:00:00 \+0800<\/pubDate>/g)?.length, 4);
  assert.match(files['items.xml'], /<dc:date>2024-07-15T06:30:00\+08:00<\/dc:date>/);
  assert.doesNotMatch(files['items.xml'], /<pubDate>Mon, 15 Jul 2024 06:30:00/);
  // Another zone, another offset (summer time in New York).
  const ny = renderRss(
    issueFeed(published, { ...SETTINGS, publication: { ...SETTINGS.publication, timezone: 'America/New_York' } }),
    `${BASE}feed.xml`,
  );
  assert.match(ny, /<pubDate>Sun, 14 Jul 2024 19:00:00 -0400<\/pubDate>/);
});

test('rss-parser reads the issue feeds: titles, links, guids, dates, full content with absolute links', async () => {
  const parser = new Parser();
  for (const name of ['feed.xml', 'atom.xml'] as const) {
    const feed = await parser.parseString(files[name]);
    assert.equal(feed.title, '信息摘编', name);
    assert.equal(feed.link, BASE, name);
    assert.deepEqual(
      feed.items.map((i) => i.title),
      // The subject: title｜lead headline.
      ['信息摘编｜两部门：进一步支持专精特新中小企业 & “小巨人”', '信息摘编｜国务院：上一期的头条'],
      name,
    );
    assert.deepEqual(
      feed.items.map((i) => i.link),
      [`${BASE}issues/2024-07-15/`, `${BASE}issues/2024-07-14/`],
      name,
    );
    assert.deepEqual(
      feed.items.map((i) => i.isoDate),
      ['2024-07-14T23:00:00.000Z', '2024-07-13T23:00:00.000Z'],
      name,
    );
    const content = name === 'feed.xml' ? (feed.items[0] as Record<string, string>)['content:encoded']! : feed.items[0]!.content!;
    // Relative links resolve against the issue's web address.
    assert.match(content, /<a href="https:\/\/example\.org\/policy\/notice\.html">/, name);
    assert.match(content, /<a href="https:\/\/example\.org\/digest\/issues\/2024-07-15\/#item-1">/, name);
    assert.deepEqual(relativeLinks(content), [], `${name}: no relative link survives`);
    assert.ok(!content.includes('neighbours'), `${name}: the neighbour navigation is not content`);
    assert.ok(content.includes('a[b[0]]>c'), `${name}: "]]>" survives the CDATA section`);
  }
  const rss = await parser.parseString(files['feed.xml']);
  assert.equal(rss.items[0]!.guid, `${BASE}issues/2024-07-15/`);
  assert.equal(rss.language, 'zh-CN');
});

test('JSON Feed 1.1: valid by the spec', () => {
  const doc = JSON.parse(files['feed.json']);
  assert.deepEqual(jsonFeedProblems(doc), []);
  assert.equal(doc.feed_url, `${BASE}feed.json`);
  assert.equal(doc.language, 'zh-CN');
  assert.deepEqual(relativeLinks(doc.items[0].content_html), []);
  // The checker itself catches what it should.
  assert.deepEqual(jsonFeedProblems({ ...doc, items: [{ id: 1, url: '../x', date_published: '15 Jul 2024' }] }), [
    'items[0].id missing (must be a string)',
    'items[0] has neither content_html nor content_text',
    'items[0].url not absolute',
    'items[0].date_published not RFC 3339',
  ]);
});

test('hostile text: markup escaped, characters XML forbids removed, astral characters kept', async () => {
  assert.ok(!files['feed.xml'].includes('\u0007'));
  assert.ok(!files['items.xml'].includes('\u0007'));
  assert.ok(files['items.xml'].includes('<title>两部门：进一步支持专精特新中小企业 &amp; “小巨人”</title>'));
  const item = (await new Parser().parseString(files['items.xml'])).items.find((i) => i.title?.startsWith('日媒'));
  assert.equal(item?.title, '日媒：中国风电专利竞争力跃居世界第一 𠮷');
});

test('items.xml <description> is HTML escaped as HTML, then as XML (the W3C validator reads HTML there)', async () => {
  const doc = { ...items, entries: items.entries.map((e, i) => (i === 0 ? { ...e, summary: 'x < y && z <b>不是标签</b>' } : e)) };
  const xml = renderRss(doc, `${BASE}items.xml`);
  assert.ok(xml.includes('<description>x &amp;lt; y &amp;amp;&amp;amp; z &amp;lt;b&amp;gt;不是标签&amp;lt;/b&amp;gt;</description>'));
  // After XML parsing it is HTML text without markup, which reads back as the plain summary.
  const html = (await new Parser().parseString(xml)).items[0]!.content!;
  assert.equal(html, 'x &lt; y &amp;&amp; z &lt;b&gt;不是标签&lt;/b&gt;');
  assert.equal(DomUtils.textContent(parseDocument(html).children), 'x < y && z <b>不是标签</b>');
});

test('per-item feed: one entry per item, stable non-URL guids, links into the web page, bodies resolved against the original', async () => {
  const feed = await new Parser().parseString(files['items.xml']);
  assert.equal(feed.items.length, 4);
  assert.deepEqual(
    feed.items.map((i) => i.link),
    [
      `${BASE}issues/2024-07-15/#item-1`,
      `${BASE}issues/2024-07-15/#item-2`,
      `${BASE}issues/2024-07-15/#item-3`,
      `${BASE}issues/2024-07-14/#item-1`,
    ],
  );
  assert.deepEqual(
    feed.items.map((i) => i.guid),
    [
      'tag:example.org,2024:/digest/item/item0001',
      'tag:example.org,2024:/digest/item/item0002',
      'tag:example.org,2024:/digest/item/item0003',
      'tag:example.org,2024:/digest/item/older0001',
    ],
  );
  assert.deepEqual(
    feed.items.map((i) => i.categories),
    [['热点关注'], ['热点关注'], ['国内动态'], ['热点关注']],
  );
  const first = (feed.items[0] as Record<string, string>)['content:encoded']!;
  assert.match(first, /href="https:\/\/news\.example\.cn\/policy\/notice\.html"/);
  assert.match(first, /src="https:\/\/news\.example\.cn\/img\/chart\.png"/);
  assert.match(first, /附：《关于进一步支持专精特新中小企业高质量发展的通知》/);
  assert.match(first, /（另见：人民网）/);
  assert.match(first, /<a href="https:\/\/news\.example\.cn\/a\/1\.html">原文链接<\/a>/);
  // No original link: relative links resolve against the item's place in our page.
  const third = (feed.items[2] as Record<string, string>)['content:encoded']!;
  assert.match(third, /href="https:\/\/example\.org\/digest\/issues\/2024-07-15\/#detail"/);
  assert.ok(!third.includes('原文链接'));
  // Every item is dated by the issue that published it (07:00 in Shanghai); the source's own
  // time is in dc:date, absent when the source gave none.
  assert.deepEqual(
    feed.items.map((i) => i.isoDate),
    ['2024-07-14T23:00:00.000Z', '2024-07-14T23:00:00.000Z', '2024-07-14T23:00:00.000Z', '2024-07-13T23:00:00.000Z'],
  );
  assert.deepEqual(
    feed.items.map((i) => (i as Record<string, string>)['dc:date'] ?? null),
    ['2024-07-14T10:00:00+08:00', '2024-07-15T06:30:00+08:00', null, '2024-07-14T10:00:00+08:00'],
  );
  // The cap keeps the newest items.
  assert.equal(itemFeed([SECOND, FIRST], SETTINGS, 2).entries.length, 2);
  // Same input, same ids: guids never change between runs.
  assert.deepEqual(
    itemFeed([SECOND], SETTINGS, 10).entries.map((e) => e.id),
    items.entries.slice(0, 3).map((e) => e.id),
  );
});
