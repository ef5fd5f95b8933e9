/**
 * The publish edge on a temp folder: an issue's files, then archive and
 * feeds. Other issues' files are never touched; feeds carry older issues'
 * pages as published; unchanged feeds are not rewritten.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { archiveEntry, publishedPage, writeArchiveAndFeeds, writeIssueFiles, type PublishSettings } from '../../src/publish/index.ts';
import { renderArchive } from '../../src/publish/archive.ts';
import { loadTemplates } from '../../src/render/index.ts';
import { TOKENS } from '../../src/render/view.ts';
import type { Issue, RenderedIssue } from '../../src/types.ts';
import { FIRST, SECOND, SETTINGS, fixturePage } from '../fixtures/publish/issues.ts';
import { tempDir } from '../helpers/tmp.ts';
import { assertSnapshot } from './helpers.ts';
import { assertInOrder } from '../helpers/wait.ts';
import { ROOT } from '../helpers/cli.ts';

const settings: PublishSettings = { ...SETTINGS, itemFeed: { enabled: true, maxItems: 100 } };
const templates = loadTemplates(join(ROOT, 'templates'));

function rendered(issue: Issue, previous: string | null): RenderedIssue {
  return {
    subject: issue.date,
    preheader: '',
    emailHtml: `<p>${TOKENS.greetingName}，您好</p><a href="${TOKENS.unsubscribeUrl}">退订</a>`,
    emailText: `${TOKENS.greetingName}，您好\n退订：${TOKENS.unsubscribeUrl}`,
    webHtml: fixturePage(issue, previous),
  };
}

/** Publish `issue` the way the CLI does: its files, then archive and feeds from everything published. */
function publish(out: string, issue: Issue, all: Issue[], s = settings): string[] {
  const files = writeIssueFiles(out, issue, rendered(issue, null), new Map(), s.publication.baseUrl);
  const latest = all.map((i) => ({
    issue: i,
    webHtml: i.date === issue.date ? rendered(issue, null).webHtml : publishedPage(out, i.date)!,
  }));
  return [...files, ...writeArchiveAndFeeds(out, all.map(archiveEntry), latest, s, templates)];
}

function snapshotOf(dir: string): Map<string, { mtimeMs: number; content: string }> {
  return new Map(
    readdirSync(dir).map((f) => [f, { mtimeMs: statSync(join(dir, f)).mtimeMs, content: readFileSync(join(dir, f), 'utf8') }]),
  );
}

test('publishing an issue writes its four files, the feeds and the archive; the published email is generic', () => {
  const out = tempDir();
  const written = publish(out, FIRST, [FIRST]);
  assert.deepEqual(
    written.map((f) => f.slice(out.length + 1)),
    [
      'issues/2024-07-14/email.html',
      'issues/2024-07-14/email.txt',
      'issues/2024-07-14/index.html',
      'issues/2024-07-14/issue.json',
      'feed.xml',
      'atom.xml',
      'feed.json',
      'items.xml',
      'icon.svg',
      'icon.png',
      'index.html',
    ],
  );
  // The RSS channel image is a PNG (RSS 2.0 allows no SVG there), published beside the feeds.
  assert.deepEqual([...readFileSync(join(out, 'icon.png')).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.match(
    readFileSync(join(out, 'feed.xml'), 'utf8'),
    /<image><url>https:\/\/example\.org\/digest\/icon\.png<\/url><title>信息摘编<\/title><link>https:\/\/example\.org\/digest\/<\/link><width>144<\/width><height>144<\/height><\/image>/,
  );
  const email = readFileSync(join(out, 'issues/2024-07-14/email.html'), 'utf8');
  assert.equal(email, '<p>读者，您好</p><a href="https://example.org/digest/unsubscribe">退订</a>');
  assert.equal(JSON.parse(readFileSync(join(out, 'issues/2024-07-14/issue.json'), 'utf8')).totalNumber, 37);
});

test("publishing a later issue never touches an earlier issue's files, and its feed entry keeps the page as published", () => {
  const out = tempDir();
  publish(out, FIRST, [FIRST]);
  // Mark the published page: the feed must carry this page, not a fresh render.
  const firstPage = join(out, 'issues/2024-07-14/index.html');
  writeFileSync(firstPage, readFileSync(firstPage, 'utf8').replace('上一期的头条', '上一期的头条（按发布时的页面）'));
  const past = new Date('2024-07-14T00:00:00Z');
  for (const f of readdirSync(join(out, 'issues/2024-07-14'))) utimesSync(join(out, 'issues/2024-07-14', f), past, past);
  const before = snapshotOf(join(out, 'issues/2024-07-14'));

  publish(out, SECOND, [SECOND, FIRST]);

  assert.deepEqual(snapshotOf(join(out, 'issues/2024-07-14')), before);
  const rss = readFileSync(join(out, 'feed.xml'), 'utf8');
  assert.ok(rss.includes('上一期的头条（按发布时的页面）'));
  assertInOrder(rss, ['issues/2024-07-15/', 'issues/2024-07-14/'], 'newest first');
  const archive = readFileSync(join(out, 'index.html'), 'utf8');
  assertInOrder(archive, ['issues/2024-07-15/index.html', 'issues/2024-07-14/index.html'], 'newest first');
  // Each issue with its lead headlines, an excerpt of the lead item and its section counts.
  assert.ok(
    archive.includes(
      '<li id="issue-2024-07-15"><h3><a href="issues/2024-07-15/index.html">2024年 第二期（总第三十八期）</a>\n  <time datetime="2024-07-15">2024-07-15</time></h3><ul class="leads"><li>两部门：进一步支持专精特新中小企业 &amp; “小巨人”</li><li>北京：亦庄将建全域人工智能之城</li></ul><p class="excerpt">',
    ),
    archive,
  );
  assert.match(archive, /<p class="meta">共 3 条：热点关注 2 · 国内动态 1<\/p><\/li>/);
  // Every archive link points at a page that exists.
  for (const [, href] of archive.matchAll(/href="(issues\/[^"]+)"/g)) assert.ok(existsSync(join(out, href!)), href);
});

test('unchanged archive and feeds are not rewritten (their mtimes stay)', () => {
  const out = tempDir();
  publish(out, FIRST, [FIRST]);
  const past = new Date('2024-07-14T00:00:00Z');
  for (const f of ['feed.xml', 'atom.xml', 'feed.json', 'items.xml', 'index.html']) utimesSync(join(out, f), past, past);
  writeArchiveAndFeeds(out, [archiveEntry(FIRST)], [{ issue: FIRST, webHtml: publishedPage(out, FIRST.date)! }], settings, templates);
  for (const f of ['feed.xml', 'atom.xml', 'feed.json', 'items.xml', 'index.html'])
    assert.equal(statSync(join(out, f)).mtimeMs, past.getTime(), f);
});

test('the item feed can be turned off; an items.xml already published is left alone', () => {
  const out = tempDir();
  const off = { ...settings, itemFeed: { enabled: false, maxItems: 100 } };
  const files = writeArchiveAndFeeds(out, [archiveEntry(FIRST)], [{ issue: FIRST, webHtml: fixturePage(FIRST, null) }], off, templates);
  assert.ok(!files.some((f) => f.endsWith('items.xml')));
  assert.ok(!existsSync(join(out, 'items.xml')));
  assert.ok(!readFileSync(join(out, 'index.html'), 'utf8').includes('items.xml'));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'items.xml'), 'old');
  writeArchiveAndFeeds(out, [archiveEntry(FIRST)], [{ issue: FIRST, webHtml: fixturePage(FIRST, null) }], off, templates);
  assert.equal(readFileSync(join(out, 'items.xml'), 'utf8'), 'old');
});

test('publishedPage: the page on disk, or null', () => {
  const out = tempDir();
  assert.equal(publishedPage(out, '2024-07-14'), null);
  publish(out, FIRST, [FIRST]);
  assert.match(publishedPage(out, '2024-07-14')!, /上一期的头条/);
});

test('archive snapshot: newest first, grouped by year, numbering and section counts', () => {
  const lastYear: Issue = { ...FIRST, date: '2023-12-29', numbering: { year: 2023, number: 50, totalNumber: 36 } };
  const html = renderArchive(
    [FIRST, lastYear, SECOND].map(archiveEntry),
    {
      title: '信息摘编',
      description: '每日信息摘编 <要闻>',
      language: 'zh-CN',
      itemFeed: true,
    },
    templates,
  );
  assertSnapshot('index.html', html);
  assert.deepEqual(
    [...html.matchAll(/<li id="issue-([\d-]+)"/g)].map((m) => m[1]),
    ['2024-07-15', '2024-07-14', '2023-12-29'],
  );
  assert.ok(html.includes('每日信息摘编 &lt;要闻&gt;'));
  assert.match(html, /最新一期：<a href="issues\/2024-07-15\/index.html">/);
  assert.match(renderArchive([], { title: 't', description: 'd', language: 'zh-CN', itemFeed: false }, templates), /还没有任何一期/);
});

test('the archive is laid out by archive.hbs of the templates folder; a folder without it renders issues and is refused by name when the archive is published', () => {
  const dir = tempDir();
  cpSync(join(ROOT, 'templates'), dir, { recursive: true });
  const file = join(dir, 'archive.hbs');
  writeFileSync(file, readFileSync(file, 'utf8').replace('<main>', '<main class="restyled">').replace('最新一期：', '本刊最新：'));
  const out = tempDir();
  writeArchiveAndFeeds(out, [archiveEntry(FIRST)], [{ issue: FIRST, webHtml: fixturePage(FIRST, null) }], settings, loadTemplates(dir));
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  assert.match(html, /<main class="restyled">/);
  assert.match(html, /本刊最新：<a href="issues\/2024-07-14\/index.html">/);
  assert.match(html, /<li id="issue-2024-07-14">/);
  rmSync(file);
  // A folder made before archive.hbs existed still renders issues; publishing the archive names the file.
  const older = loadTemplates(dir);
  assert.throws(
    () => writeArchiveAndFeeds(out, [archiveEntry(FIRST)], [{ issue: FIRST, webHtml: fixturePage(FIRST, null) }], settings, older),
    (err: Error & { hint?: string }) => err.message.includes(file) && /archive\.hbs/.test(err.hint ?? ''),
  );
});

test('a rebuild later the same day keeps pubDate, published and date_published; only updated moves, only on a change', () => {
  const out = tempDir();
  const feeds = () => ({
    rss: readFileSync(join(out, 'feed.xml'), 'utf8'),
    atom: readFileSync(join(out, 'atom.xml'), 'utf8'),
    json: JSON.parse(readFileSync(join(out, 'feed.json'), 'utf8')).items[0] as { date_published: string; date_modified: string },
    issue: (({ publishedAt, updatedAt }) => ({ publishedAt, updatedAt }))(
      JSON.parse(readFileSync(join(out, 'issues/2024-07-15/issue.json'), 'utf8')) as { publishedAt: string; updatedAt: string },
    ),
  });
  const republish = (issue: Issue, page: string) => {
    writeIssueFiles(out, issue, { ...rendered(issue, null), webHtml: page }, new Map(), settings.publication.baseUrl);
    writeArchiveAndFeeds(out, [archiveEntry(issue)], [{ issue, webHtml: page }], settings, templates);
  };
  const page = rendered(SECOND, null).webHtml;
  republish(SECOND, page);
  const first = feeds();
  assert.equal(first.issue.publishedAt, SECOND.cutoff);
  assert.match(first.rss, /<pubDate>Mon, 15 Jul 2024 07:00:00 \+0800<\/pubDate>/);

  // Rebuilt at 09:30 (a late run's cut-off) with the same content: nothing moves.
  const late = { ...SECOND, cutoff: '2024-07-15T09:30:00+08:00' };
  republish(late, page);
  assert.deepEqual(feeds(), first);

  // Rebuilt at 11:00 with a changed page: the publication dates stay, updated moves.
  const later = { ...SECOND, cutoff: '2024-07-15T11:00:00+08:00' };
  republish(later, page.replace('亦庄将建全域人工智能之城', '亦庄将建全域人工智能之城（更新）'));
  const changed = feeds();
  assert.equal(changed.issue.publishedAt, SECOND.cutoff);
  assert.equal(changed.issue.updatedAt, later.cutoff);
  const item = /<item>[\s\S]*?<\/item>/.exec(changed.rss)![0];
  assert.match(item, /<pubDate>Mon, 15 Jul 2024 07:00:00 \+0800<\/pubDate>/);
  const entry = /<entry>[\s\S]*?<\/entry>/.exec(changed.atom)![0];
  assert.match(entry, /<published>2024-07-15T07:00:00\+08:00<\/published>/);
  assert.match(entry, /<updated>2024-07-15T11:00:00\+08:00<\/updated>/);
  assert.equal(changed.json.date_published, '2024-07-15T07:00:00+08:00');
  assert.equal(changed.json.date_modified, '2024-07-15T11:00:00+08:00');
});
