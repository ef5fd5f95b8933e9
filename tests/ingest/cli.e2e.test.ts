/**
 * `digest ingest --json` through the real CLI (child process) against a local
 * HTTP server, with a temp config: per-source status, counts and errors; a
 * broken source does not fail the run; the second run gets 304s (the
 * validators kept in the store). On both stores (tests/helpers/cli-stores.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import iconv from 'iconv-lite';
import { stringify } from 'yaml';
import { ROOT, runCli } from '../helpers/cli.ts';
import { CLI_STORES } from '../helpers/cli-stores.ts';
import { openStore } from '../../src/store/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { rss, startFeedServer, withValidators } from './helpers.ts';

describe.each(CLI_STORES)('$store store', ({ location }) => {
  test('digest ingest --json reports fetched / not-modified / failed per source with counts and errors', async () => {
    const gbk = iconv.encode(
      rss(
        '国际视野',
        [
          {
            title: '日媒：中国风电专利竞争力跃居世界第一',
            link: 'https://world.example.org/1',
            source: '参考消息网',
            date: 'Wed, 03 Jul 2024 08:00:00 +0800',
          },
          {
            title: '德媒：中企投资占匈牙利外资总额过半',
            link: 'https://world.example.org/2',
            source: '参考消息网',
            date: 'Wed, 10 Jul 2024 08:00:00 +0800',
          },
        ],
        'GBK',
      ),
      'gbk',
    );
    const server = await startFeedServer({
      '/world.rss': withValidators(gbk, 'application/rss+xml; charset=GBK'),
      '/policy.rss': withValidators(readFileSync(join(ROOT, 'tests/fixtures/feeds/bulletin.rss')), 'application/rss+xml', '"p1"'),
      '/broken.rss': withValidators(readFileSync(join(ROOT, 'tests/fixtures/feeds/truncated.rss')), 'application/rss+xml', '"b1"'),
    });
    const dir = tempDir();
    const config = join(dir, 'digest.yaml');
    writeFileSync(
      config,
      stringify({
        store: { path: join(dir, 'data', 'digest.db') },
        output: { dir: join(dir, 'out') },
        ingest: { userAgent: 'digest-cli-test', timeoutMs: 60_000, retries: 0 },
        sources: [
          { id: 'world', type: 'rss', url: server.url('/world.rss') },
          { id: 'policy', type: 'rss', name: '政策速递', url: server.url('/policy.rss') },
          { id: 'broken', type: 'rss', url: server.url('/broken.rss') },
        ],
      }),
    );
    const { where, env } = await location(join(dir, 'data'), { DIGEST_NOW: '2024-07-15T00:30:00Z' });

    const first = await runCli(['ingest', '--json', '--config', config], { env });
    assert.equal(first.code, 0, first.stderr);
    const one = JSON.parse(first.stdout);
    assert.equal(one.command, 'ingest');
    assert.equal(one.ok, true);
    const byId = Object.fromEntries(one.sources.map((s: { id: string }) => [s.id, s]));
    assert.deepEqual(pick(byId.world), ['fetched', 2, 0, 0]);
    assert.equal(byId.world.charset, 'gb18030');
    assert.deepEqual(pick(byId.policy), ['fetched', 4, 0, 0]);
    assert.deepEqual(pick(byId.broken), ['failed', 0, 0, 0]);
    assert.match(byId.broken.error, /^source "broken" \(http:\/\/127\.0\.0\.1:\d+\/broken\.rss\): malformed XML at line \d+, column \d+/);
    assert.ok(server.requests.every((r) => r.headers['user-agent'] === 'digest-cli-test'));
    const store = openStore(where);
    try {
      assert.equal(store.items.count(), 6, 'the new items are in the store the CLI was given');
    } finally {
      store.close();
    }

    // The second run, in text mode: one readable line per source; unchanged feeds answer 304.
    const second = await runCli(['ingest', '--config', config], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /✓ world: not-modified, 0 new/);
    assert.match(second.stdout, /✓ policy: not-modified, 0 new/);
    assert.match(second.stdout, /✗ broken: failed — source "broken"/);
    assert.equal(server.requests.filter((r) => r.path === '/world.rss').at(-1)!.headers['if-none-match'], '"v1"');
  });
});

function pick(s: { status: string; new: number; duplicate: number; merged: number }) {
  return [s.status, s.new, s.duplicate, s.merged];
}
