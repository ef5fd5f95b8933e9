/**
 * Publishing through the real CLI: two issues on two dates from the bundled
 * samples, then the feeds read by rss-parser and Python's feedparser, the
 * archive checked, every relative link of the static site resolved on disk,
 * the site browsed in headless Chromium, and the first issue's files
 * compared before and after the second was published.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'vitest';
import { chromium } from 'playwright-core';
import Parser from 'rss-parser';
import { runCli } from '../helpers/cli.ts';
import { sampleConfig } from '../helpers/config.ts';
import { subjectOf } from '../helpers/subject.ts';
import { feedparser, jsonFeedProblems, pythonJsonFeed, relativeLinks } from './helpers.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium.ts';

// 08:30 on 2024-07-15 in Shanghai. The samples date from 2024-06-17 to 2024-07-11,
// so the issue of 07-01 takes the older half and the issue of 07-15 the rest.
const env = { DIGEST_NOW: '2024-07-15T00:30:00Z' };
const BASE = 'https://example.org/digest/';

function filesOf(dir: string): Map<string, { mtimeMs: number; content: string }> {
  return new Map(
    readdirSync(dir).map((f) => [f, { mtimeMs: statSync(join(dir, f)).mtimeMs, content: readFileSync(join(dir, f), 'utf8') }]),
  );
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

test('digest run on two dates: valid feeds, archive newest first, first issue untouched, a static site that links up', async () => {
  const { dir, file } = sampleConfig();
  const out = join(dir, 'out');

  const first = await runCli(['run', '--no-send', '--date', '2024-07-01', '--config', file, '--json'], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).build.status, 'built');
  const firstDir = join(out, 'issues/2024-07-01');
  const before = filesOf(firstDir);
  assert.deepEqual([...before.keys()].sort(), ['email.html', 'email.txt', 'index.html', 'issue.json']);

  const second = await runCli(['run', '--no-send', '--date', '2024-07-15', '--config', file, '--json'], { env });
  assert.equal(second.code, 0, second.stderr);
  const summary = JSON.parse(second.stdout);
  assert.equal(summary.build.status, 'built');
  for (const f of ['feed.xml', 'atom.xml', 'feed.json', 'items.xml', 'index.html'])
    assert.ok(
      summary.build.files.some((p: string) => p.endsWith(`out/${f}`)),
      f,
    );

  // The first issue's files: same bytes, same modification times.
  assert.deepEqual(filesOf(firstDir), before);

  const issues = ['2024-07-15', '2024-07-01'].map((d) => JSON.parse(readFileSync(join(out, 'issues', d, 'issue.json'), 'utf8')));
  // Entry titles are the issues' subjects: `{{title}}｜{{lead}}`.
  const titles = issues.map(subjectOf);
  const links = [`${BASE}issues/2024-07-15/`, `${BASE}issues/2024-07-01/`];
  const utc = issues.map((i) => new Date(i.cutoff).toISOString().replace('.000Z', 'Z'));
  assert.deepEqual(utc, ['2024-07-15T00:30:00Z', '2024-06-30T23:00:00Z'], 'cut-offs: the run time on the day itself, 07:00 otherwise');

  // rss-parser.
  const parser = new Parser();
  for (const name of ['feed.xml', 'atom.xml']) {
    const feed = await parser.parseString(readFileSync(join(out, name), 'utf8'));
    assert.equal(feed.title, '信息摘编', name);
    assert.deepEqual(
      feed.items.map((i) => i.title),
      titles,
      name,
    );
    assert.deepEqual(
      feed.items.map((i) => i.link),
      links,
      name,
    );
    assert.deepEqual(
      feed.items.map((i) => i.isoDate),
      utc.map((u) => u.replace('Z', '.000Z')),
      name,
    );
  }
  const rssText = readFileSync(join(out, 'feed.xml'), 'utf8');
  assert.match(rssText, /<pubDate>Mon, 15 Jul 2024 08:30:00 \+0800<\/pubDate>/);
  assert.match(rssText, /<pubDate>Mon, 01 Jul 2024 07:00:00 \+0800<\/pubDate>/);
  assert.match(readFileSync(join(out, 'atom.xml'), 'utf8'), /<published>2024-07-01T07:00:00\+08:00<\/published>/);

  // feedparser (an independent implementation): no errors, same titles, links and dates.
  for (const name of ['feed.xml', 'atom.xml', 'items.xml']) {
    const p = feedparser(join(out, name));
    assert.equal(p.bozo, false, `${name}: ${p.bozoException}`);
    assert.equal(p.feed.language, 'zh-CN');
    assert.ok(
      p.feed.links.some((l) => l.rel === 'self' && l.href === `${BASE}${name}`),
      `${name}: rel=self`,
    );
    for (const e of p.entries) assert.deepEqual(relativeLinks(e.content[0]!.value), [], `${name} ${e.title}: absolute links only`);
    if (name === 'items.xml') {
      const count = issues.reduce((n, i) => n + i.sections.reduce((k: number, s: { items: unknown[] }) => k + s.items.length, 0), 0);
      assert.equal(p.entries.length, Math.min(100, count));
      continue;
    }
    assert.deepEqual(
      p.entries.map((e) => e.title),
      titles,
      name,
    );
    assert.deepEqual(
      p.entries.map((e) => e.link),
      links,
      name,
    );
    assert.deepEqual(
      p.entries.map((e) => e.publishedUtc),
      utc,
      name,
    );
    // The full issue is in the entry: every item headline of the newest issue.
    for (const item of issues[0].sections.flatMap((s: { items: { title: string }[] }) => s.items)) {
      assert.ok(p.entries[0]!.content[0]!.value.includes(item.title.replace(/&/g, '&amp;')), `${name}: ${item.title}`);
    }
  }

  // JSON Feed.
  const json = JSON.parse(readFileSync(join(out, 'feed.json'), 'utf8'));
  assert.deepEqual(jsonFeedProblems(json), []);
  assert.deepEqual(
    json.items.map((i: { title: string }) => i.title),
    titles,
  );
  assert.deepEqual(
    pythonJsonFeed(join(out, 'feed.json')).items.map((i) => i.utc),
    utc,
  );
  for (const item of json.items) assert.deepEqual(relativeLinks(item.content_html), []);

  // The archive: both issues, newest first, with numbering and section counts.
  const archive = readFileSync(join(out, 'index.html'), 'utf8');
  assert.deepEqual(
    [...archive.matchAll(/<li id="issue-([\d-]+)"/g)].map((m) => m[1]),
    ['2024-07-15', '2024-07-01'],
  );
  for (const issue of issues) {
    const counts = issue.sections
      .filter((s: { items: unknown[] }) => s.items.length)
      .map((s: { title: string; items: unknown[] }) => `${s.title} ${s.items.length}`)
      .join(' · ');
    assert.ok(archive.includes(counts), `counts of ${issue.date}: ${counts}`);
  }

  // A static site: every relative link in every page resolves to a file under out/.
  for (const page of allFiles(out).filter((f) => f.endsWith('.html') && !f.endsWith('email.html'))) {
    const html = readFileSync(page, 'utf8');
    for (const [, href] of html.matchAll(/\shref="([^"#:]+)(?:#[^"]*)?"/g)) {
      const target = join(dirname(page), decodeURI(href!));
      assert.ok(statSync(target, { throwIfNoEntry: false })?.isFile(), `${relative(out, page)} links to missing ${href}`);
    }
  }
  // The newer page links back to the archive and to the previous issue.
  const secondPage = readFileSync(join(out, 'issues/2024-07-15/index.html'), 'utf8');
  assert.match(secondPage, /href="\.\.\/\.\.\/index\.html[#"]/);
  assert.match(secondPage, /href="\.\.\/2024-07-01\/index\.html"/);

  // Browse it as a reader would, from the files alone.
  const profile = mkdtempSync(join(tmpdir(), 'digest-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(out, 'index.html')).href);
    assert.deepEqual(await page.locator('main li a').allTextContents(), ['2024年 第二期（总第二期）', '2024年 第一期（总第一期）']);
    await page.locator('main li a').first().click();
    assert.ok(page.url().endsWith('/issues/2024-07-15/index.html'), page.url());
    await page.locator('a[href^="../2024-07-01/"]').first().click();
    assert.ok(page.url().endsWith('/issues/2024-07-01/index.html'), page.url());
    await page.locator('a[href^="../../index.html"]').first().click();
    assert.ok(page.url().endsWith('/index.html') && !page.url().includes('/issues/'), page.url());
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
