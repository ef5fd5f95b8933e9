/**
 * Every real-world feed in the corpus (`tests/fixtures/corpus/feeds/`, copied from rss-parser's test inputs,
 * from rss-parser's test suite) either yields items or fails with a clear
 * per-source error: first parsed one by one, then all served over HTTP and
 * ingested in one run.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { parseFeedBytes } from '../../src/ingest/feed-parse.ts';
import { ingestAll } from '../../src/ingest/index.ts';
import type { Item } from '../../src/types.ts';
import { ROOT } from '../helpers/cli.ts';
import { ingestDeps, startFeedServer } from './helpers.ts';

const CORPUS = join(ROOT, 'tests/fixtures/corpus/feeds');
const files = readdirSync(CORPUS).sort();

/** The corpus files that are not usable feeds, and what their error must say. */
const EXPECTED_ERRORS: Record<string, RegExp> = {
  'LICENSE.rss-parser': /not XML: the document begins with "MIT License/,
  'unrecognized.rss': /not a feed: the URL returned an HTML page \("Document Moved"\)/,
  'incomplete-fields.atom': /1 entry, none with a title, link or content/,
  'missing-fields.atom': /1 entry, none with a title, link or content/,
};

const SOURCE = { id: 'corpus', type: 'rss' as const, url: 'https://feeds.example.org/feed.xml', enabled: true };

async function readCorpusFile(name: string): Promise<Item[]> {
  return (
    await parseFeedBytes({
      bytes: readFileSync(join(CORPUS, name)),
      contentType: null,
      source: SOURCE,
      url: SOURCE.url,
      now: '2024-07-15T00:30:00.000Z',
      zone: 'Asia/Shanghai',
    })
  ).items;
}

test('the corpus is present', () => {
  assert.ok(files.length >= 30, `expected the whole corpus, found ${files.length} files`);
});

for (const name of files) {
  test(`corpus ${name}: items or a clear error`, async () => {
    const expected = EXPECTED_ERRORS[name];
    if (expected) {
      await assert.rejects(readCorpusFile(name), expected);
      return;
    }
    const items = await readCorpusFile(name);
    assert.ok(items.length > 0, 'yields items');
    for (const item of items) {
      assert.ok(item.title.trim(), 'every item has a headline');
      assert.ok(item.html.trim(), 'every item has a body (at least its headline)');
      assert.doesNotMatch(item.html, /<script|<iframe|\son\w+=|javascript:/i, 'stored HTML is sanitized');
      assert.ok(item.link === null || /^https?:\/\//.test(item.link), `links are absolute http(s): ${item.link}`);
      assert.ok(item.publishedAt === null || !Number.isNaN(Date.parse(item.publishedAt)), `dates are ISO or null: ${item.publishedAt}`);
      assert.doesNotMatch(item.title + item.text, /\ufffd|Ã[\u0080-\u00bf]/, 'no mojibake');
    }
  });
}

test('corpus specifics: legacy charsets, RSS 0.9x without version, RDF, Atom offsets and relative links', async () => {
  // ISO-8859-1 declared in the XML declaration.
  assert.match((await readCorpusFile('encoding.rss'))[0]!.title, /^Mãe de utente é a nova presidente/);
  // No declaration at all, Latin-1 bytes, and <rss> without a version attribute.
  const uol = await readCorpusFile('uolNoticias.rss');
  assert.match(uol[0]!.text, /^Líder na pesquisa Ibope de intenção de voto/);
  // RSS 1.0 (RDF) with dc:date.
  const rdf = await readCorpusFile('rss-1.rss');
  assert.equal(rdf.length, 69);
  assert.equal(rdf[0]!.publishedAt, '2017-06-15T10:29:47.000-07:00');
  // Atom: the offset is kept, not flattened to UTC; relative links resolve against the feed's site.
  assert.equal((await readCorpusFile('heise.atom'))[0]!.publishedAt, '2016-02-01T17:22:00.000+01:00');
  assert.equal((await readCorpusFile('gulp-atom.atom'))[0]!.link, 'https://github.com/gulpjs/gulp/releases/tag/v3.9.0');
  // A named zone (PST) is honoured; RSS 0.92 items keep their <source> as outlet.
  assert.equal((await readCorpusFile('giantbomb-podcast.rss'))[0]!.publishedAt, '2019-10-01T14:30:00.000-08:00');
  assert.equal((await readCorpusFile('heraldsun.rss'))[0]!.outlet, 'Another Site');
});

test('the whole corpus in one ingest run: the unusable files fail alone, named, and the rest are stored', async () => {
  const routes = Object.fromEntries(
    files.map((name) => [
      `/${name}`,
      (_q: unknown, res: import('node:http').ServerResponse) =>
        void res.writeHead(200, { 'content-type': 'application/xml' }).end(readFileSync(join(CORPUS, name))),
    ]),
  );
  const server = await startFeedServer(routes);
  const deps = ingestDeps({ sources: files.map((name, i) => ({ id: `c${i}`, type: 'rss', url: server.url(`/${name}`) })) });
  const reports = await ingestAll(deps);
  assert.equal(reports.length, files.length);
  files.forEach((name, i) => {
    const r = reports[i]!;
    if (EXPECTED_ERRORS[name]) {
      assert.equal(r.status, 'failed', name);
      assert.ok(r.error!.startsWith(`source "c${i}" (${server.url(`/${name}`)}): `), r.error);
      assert.match(r.error!, EXPECTED_ERRORS[name]!);
    } else {
      assert.equal(r.status, 'fetched', `${name}: ${r.error}`);
      assert.ok(r.new + r.duplicate + r.merged > 0, `${name} stored items`);
    }
  });
  assert.ok(deps.items.count() > 1000);
});
