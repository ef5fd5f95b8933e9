/**
 * The bundled samples (what `npm start` ingests on a fresh clone): every
 * item is new on the first run (22/11/14/17 (13 news items and 4 book entries in the inbox) — no false duplicate or merge
 * among them), outlets are the 来源 each item names, and the next run
 * stores nothing twice.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { ingestAll } from '../../src/ingest/index.ts';
import { ROOT } from '../helpers/cli.ts';
import { ingestDeps } from './helpers.ts';

test('the sample sources ingest fully, and a second run adds nothing', async () => {
  // The sources exactly as config/digest.yaml ships them, made absolute.
  const shipped = loadConfig(join(ROOT, 'config/digest.yaml')).sources.map((s) =>
    s.type === 'rss' ? { ...s, url: join(ROOT, s.url) } : { ...s, path: join(ROOT, s.path) },
  );
  const deps = ingestDeps({ sources: shipped });
  const first = await ingestAll(deps);
  assert.deepEqual(
    first.map((r) => [r.id, r.status, r.new, r.duplicate, r.merged]),
    [
      ['policy', 'fetched', 22, 0, 0],
      ['world', 'fetched', 11, 0, 0],
      ['regions', 'fetched', 14, 0, 0],
      ['inbox', 'fetched', 17, 0, 0],
    ],
  );
  assert.equal(first[1]!.charset, 'gb18030');

  const rows = deps.store.db.prepare('SELECT source_id, issuer, title, outlet FROM items').all() as {
    source_id: string;
    issuer: string | null;
    title: string;
    outlet: string;
  }[];
  const find = (title: string) => rows.find((r) => r.title.includes(title))!;
  assert.deepEqual(find('进一步支持专精特新中小企业'), {
    source_id: 'policy',
    issuer: '两部门',
    title: '进一步支持专精特新中小企业高质量发展',
    outlet: '新京报',
  });
  assert.equal(find('中国巩固电池行业全球主导地位').outlet, '参考消息网');
  assert.equal(find('超百亿元投资').outlet, '人民日报');
  assert.ok(
    rows.every((r) => !/\ufffd/.test(r.title)),
    'the GBK sample decodes cleanly',
  );

  const second = await ingestAll(deps);
  assert.deepEqual(
    second.map((r) => [r.id, r.status, r.new]),
    [
      ['policy', 'not-modified', 0],
      ['world', 'not-modified', 0],
      ['regions', 'not-modified', 0],
      ['inbox', 'fetched', 0],
    ],
  );
  assert.equal(second[3]!.duplicate, 17);
  assert.equal(deps.items.count(), 64);
});
