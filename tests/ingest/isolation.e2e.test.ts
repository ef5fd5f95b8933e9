/**
 * A malformed, truncated, entity-bomb or not-a-feed source fails alone, with
 * its source named, while every other source of the same run is ingested and
 * the run itself succeeds.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { ingestAll } from '../../src/ingest/index.ts';
import { ROOT } from '../helpers/cli.ts';
import { ingestDeps, startFeedServer } from './helpers.ts';

const FIXTURES = join(ROOT, 'tests/fixtures/feeds');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

test('broken sources fail alone, named, and the good ones in the same run are stored', async () => {
  const serve =
    (name: string, type = 'application/rss+xml') =>
    (_q: unknown, res: import('node:http').ServerResponse) =>
      void res.writeHead(200, { 'content-type': type }).end(fixture(name));
  const server = await startFeedServer({
    '/bulletin.rss': serve('bulletin.rss'),
    '/bomb.xml': serve('entity-bomb.xml', 'application/xml'),
    '/truncated.rss': serve('truncated.rss'),
    '/home.html': serve('not-a-feed.html', 'text/html; charset=utf-8'),
    '/dates.atom': serve('chinese-dates.atom', 'application/atom+xml'),
    '/empty': (_q, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(''),
  });
  const deps = ingestDeps({
    sources: [
      { id: 'good-rss', type: 'rss', url: server.url('/bulletin.rss') },
      { id: 'bomb', type: 'rss', url: server.url('/bomb.xml') },
      { id: 'truncated', type: 'rss', url: server.url('/truncated.rss') },
      { id: 'homepage', type: 'rss', url: server.url('/home.html') },
      { id: 'empty', type: 'rss', url: server.url('/empty') },
      { id: 'missing-file', type: 'rss', url: join(FIXTURES, 'no-such-feed.rss') },
      { id: 'missing-inbox', type: 'inbox', path: join(FIXTURES, 'no-such-folder') },
      { id: 'good-atom', type: 'rss', url: server.url('/dates.atom') },
      { id: 'good-file', type: 'rss', url: join(FIXTURES, 'sloppy.rss') },
    ],
  });
  const reports = await ingestAll(deps);
  const byId = Object.fromEntries(reports.map((r) => [r.id, r]));

  assert.deepEqual([byId['good-rss']!.status, byId['good-rss']!.new], ['fetched', 4]);
  assert.deepEqual([byId['good-atom']!.status, byId['good-atom']!.new], ['fetched', 4]);
  assert.deepEqual([byId['good-file']!.status, byId['good-file']!.new], ['fetched', 2]);

  const failed = (id: string, pattern: RegExp) => {
    const r = byId[id]!;
    assert.equal(r.status, 'failed', id);
    assert.match(r.error!, new RegExp(`^source "${id}" \\(`), 'the error names the source');
    assert.match(r.error!, pattern);
    assert.equal(deps.sources.get(id)!.consecutiveFailures, 1);
  };
  failed('bomb', /declares XML entities \(DOCTYPE\/ENTITY\).*refusing to expand/);
  failed('truncated', /malformed XML at line \d+, column \d+: unclosed tag: description/);
  failed(
    'homepage',
    /not a feed: the URL returned an HTML page \("政策文件库 - 首页"\); the page names its feed at https:\/\/policy\.example\.org\/rss\.xml/,
  );
  failed('empty', /the document is empty/);
  failed('missing-file', /file not found: .*no-such-feed\.rss/);
  failed('missing-inbox', /cannot read inbox folder/);
  // Nothing of the truncated feed was half-stored.
  assert.equal(deps.items.count(), 10);
});

test('a source that failed recovers on the next run, and its failure count resets', async () => {
  let broken = true;
  const server = await startFeedServer({
    '/feed': (_q, res) =>
      void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(broken ? fixture('truncated.rss') : fixture('bulletin.rss')),
  });
  const deps = ingestDeps({ sources: [{ id: 'flaky', type: 'rss', url: server.url('/feed') }] });
  assert.equal((await ingestAll(deps))[0]!.status, 'failed');
  assert.equal((await ingestAll(deps))[0]!.status, 'failed');
  assert.equal(deps.sources.get('flaky')!.consecutiveFailures, 2);
  broken = false;
  const [r] = await ingestAll(deps);
  assert.deepEqual([r!.status, r!.new], ['fetched', 4]);
  assert.equal(deps.sources.get('flaky')!.consecutiveFailures, 0);
  assert.equal(deps.sources.get('flaky')!.lastError, null);
});
