/**
 * A true split of merged outlets: two outlets report the same news, ingest
 * merges the second into the first (keeping the report whole), the editor's
 * split (the preview's desk action) restores it, and the rebuilt issue has two
 * items, each with its own outlet, link and text.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { buildStep, type Context, ingestStep } from '../../src/cycle/index.ts';
import { Desk } from '../../src/preview/editing.ts';
import { messagesFor } from '../../src/preview/messages.ts';
import { openStore } from '../../src/store/index.ts';
import type { Issue } from '../../src/types.ts';
import { afterFile } from '../helpers/cleanup.ts';
import { ROOT } from '../helpers/cli.ts';
import { TEST_SECRET } from '../helpers/config.ts';
import { fixedClock, tempDir } from '../helpers/tmp.ts';
import { rss } from '../ingest/helpers.ts';

const DATE = '2024-07-15';
const DAY = 'Sun, 14 Jul 2024 08:00:00 +0800';

const FIRST = {
  title: '两部门：进一步支持专精特新中小企业高质量发展',
  link: 'https://first.example.org/zjtx',
  guid: 'https://first.example.org/zjtx',
  source: '新京报',
  date: DAY,
  body: '<p>新京报讯 财政部、工业和信息化部联合发布通知，支持专精特新中小企业。</p>',
};
const SECOND = {
  title: '财政部 工信部：进一步支持专精特新中小企业高质量发展',
  link: 'https://second.example.org/news/42',
  guid: 'https://second.example.org/news/42',
  source: '人民网',
  date: 'Sun, 14 Jul 2024 10:00:00 +0800',
  body: '<p>人民网北京7月14日电 两部门印发通知，中央财政安排资金支持重点“小巨人”企业。</p>',
};

function setUp(): Context {
  const dir = tempDir('digest-split-');
  const feed = (id: string, entry: typeof FIRST) => {
    const file = join(dir, `${id}.rss`);
    writeFileSync(file, rss(id, [entry]));
    return { id, type: 'rss', url: file };
  };
  const config = parseConfig(
    {
      publication: { title: '信息摘编', baseUrl: 'https://example.org/digest/', timezone: 'Asia/Shanghai' },
      store: { path: join(dir, 'digest.db') },
      output: { dir: join(dir, 'out') },
      render: { templates: join(ROOT, 'templates') },
      selection: { maxAgeDays: 30 },
      sources: [feed('first', FIRST), feed('second', SECOND)],
      delivery: { from: '信息摘编 <digest@example.org>', unsubscribeSecret: TEST_SECRET },
    },
    'test config',
  );
  const store = openStore(config.store.path);
  afterFile(() => store.close());
  return { config, store, now: fixedClock(), log: () => {} };
}

const placed = (issue: Issue) => issue.sections.flatMap((s) => s.items);

test('a merged report keeps its own source, link, outlet and text; split restores it and the rebuild has two items', async () => {
  const ctx = setUp();
  const reports = await ingestStep(ctx);
  assert.deepEqual(
    reports.map((r) => [r.id, r.new, r.merged]),
    [
      ['first', 1, 0],
      ['second', 0, 1],
    ],
  );
  await buildStep(ctx, DATE);
  const before = placed(ctx.store.issues.get(DATE)!.issue);
  assert.equal(before.length, 1);
  const item = before[0]!;
  assert.deepEqual(item.otherOutlets, [{ outlet: '人民网', link: SECOND.link, sourceId: 'second' }]);
  // The merged report is kept whole beside the item it was merged into.
  const [kept] = ctx.store.merged.list(item.id);
  assert.equal(kept?.link, SECOND.link);
  assert.match(kept!.text, /人民网北京7月14日电/);

  const outlet = new Desk(ctx, messagesFor('zh-CN'), DATE).split(item.id, 0);
  assert.equal(outlet, '人民网');
  assert.deepEqual(ctx.store.merged.list(item.id), [], 'a split copy is an item again, not a kept copy');

  await buildStep(ctx, DATE, { rebuild: true });
  const json = JSON.parse(readFileSync(join(ctx.config.output.dir, 'issues', DATE, 'issue.json'), 'utf8')) as {
    sections: { items: { id: string; title: string; issuer: string | null; outlet: string; link: string; summary: string }[] }[];
  };
  const items = json.sections.flatMap((s) => s.items);
  assert.equal(items.length, 2);
  const byOutlet = new Map(items.map((i) => [i.outlet, i]));
  const first = byOutlet.get('新京报')!;
  const second = byOutlet.get('人民网')!;
  assert.equal(first.id, item.id);
  assert.equal(first.link, FIRST.link);
  assert.match(first.summary, /新京报讯/);
  // The split item is the second outlet's own report: its link, headline and text, not a copy of the first.
  assert.equal(second.link, SECOND.link);
  assert.equal(`${second.issuer}：${second.title}`, SECOND.title);
  assert.match(second.summary, /人民网北京7月14日电/);
  assert.doesNotMatch(second.summary, /新京报讯/);
  const stored = placed(ctx.store.issues.get(DATE)!.issue).find((i) => i.outlet === '人民网')!;
  assert.equal(stored.sourceId, 'second');
  assert.equal(stored.publishedAt, '2024-07-14T10:00:00.000+08:00');
  assert.deepEqual(stored.otherOutlets, []);
});
