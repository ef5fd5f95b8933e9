/**
 * Feed formats beyond the happy path, from fixtures: Atom with Chinese dates
 * (one of which rss-parser alone would choke on), relative links and author
 * outlets; sloppy RSS without a version, with bare `&` and HTML entities.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { ingestAll } from '../../src/ingest/index.ts';
import type { Item } from '../../src/types.ts';
import { ROOT } from '../helpers/cli.ts';
import { ingestDeps } from './helpers.ts';

async function ingestFixture(name: string): Promise<Item[]> {
  const deps = ingestDeps({ sources: [{ id: 'f', type: 'rss', url: join(ROOT, 'tests/fixtures/feeds', name) }] });
  const [report] = await ingestAll(deps);
  assert.equal(report!.status, 'fetched', report!.error);
  return (deps.store.db.prepare('SELECT id FROM items ORDER BY rowid').all() as { id: string }[]).map((r) => deps.items.get(r.id)!);
}

test('Atom with Chinese dates: every entry kept, dates read (or null), relative links absolute, author outlets', async () => {
  const items = await ingestFixture('chinese-dates.atom');
  assert.deepEqual(
    items.map((i) => [i.issuer, i.publishedAt, i.outlet]),
    [
      ['上海', '2024-06-25T09:30:00.000+08:00', '中国证券网'],
      ['广州', '2024-06-23T00:00:00.000+08:00', '地方动态（中文日期）'],
      ['江西', null, '地方动态（中文日期）'], // "上周三下午" is not a date we can read: no guess
      ['福建', '2024-07-15T08:00:00.000+08:00', '地方动态（中文日期）'], // no date: the feed's <updated>
    ],
  );
  assert.equal(items[0]!.link, 'https://dates.example.org/news/1?id=1');
  assert.deepEqual(items[0]!.categories, ['文化产业']);
});

test('sloppy RSS: no version attribute, bare & and HTML entities, Java and GMT+8 dates', async () => {
  const items = await ingestFixture('sloppy.rss');
  assert.equal(items.length, 2);
  assert.equal(items[0]!.title, 'AT&T buys école – “quotes” & more');
  assert.equal(items[0]!.text, 'Fish & chips — R&D budget');
  assert.equal(items[0]!.link, 'https://sloppy.example.org/1?a=1&b=2');
  assert.equal(items[0]!.publishedAt, '2024-07-15T08:00:00.000+08:00');
  assert.equal(items[1]!.publishedAt, '2024-07-15T08:00:00.000+08:00');
  assert.equal(items[1]!.text, 'Already & escaped inside CDATA');
  assert.equal(items[0]!.outlet, 'AT&T News & Views');
});
