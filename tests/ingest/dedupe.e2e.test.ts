/**
 * Dedupe across runs and sources: guid, then canonical link, then content
 * fingerprint; near-duplicate headlines of the same news from other outlets
 * are merged into the earlier item's `otherOutlets`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { ingestAll } from '../../src/ingest/index.ts';
import { splitIssuer } from '../../src/ingest/normalize/index.ts';
import { headlineBigrams, jaccard, NEAR_DUPLICATE_THRESHOLD, NEAR_DUPLICATE_WINDOW_DAYS } from '../../src/ingest/similar.ts';
import type { Item } from '../../src/types.ts';
import { tempDir } from '../helpers/tmp.ts';
import { ingestDeps, rss, startFeedServer, type TestEntry } from './helpers.ts';
import { waitFor } from '../helpers/wait.ts';

const DAY = 'Fri, 12 Jul 2024 08:00:00 +0800';

/** Write feeds to files and return sources for them (file feeds go through the same parse and store). */
function feedFiles(feeds: Record<string, TestEntry[]>): { id: string; type: 'rss'; url: string }[] {
  const dir = tempDir('digest-dedupe-');
  return Object.entries(feeds).map(([id, entries]) => {
    const file = join(dir, `${id}.rss`);
    writeFileSync(file, rss(id, entries));
    return { id, type: 'rss', url: file };
  });
}

function allItems(deps: ReturnType<typeof ingestDeps>): Item[] {
  return (deps.store.db.prepare('SELECT id FROM items ORDER BY rowid').all() as { id: string }[]).map((r) => deps.items.get(r.id)!);
}

function similarity(a: string, b: string): number {
  const x = splitIssuer(a);
  const y = splitIssuer(b);
  return jaccard(headlineBigrams(x.issuer, x.headline), headlineBigrams(y.issuer, y.headline));
}

test('across runs: the same entries again are duplicates, by guid', async () => {
  let version = 1;
  const entries = [
    { title: '药监局：部署加强中药标准管理工作', guid: 'https://a.example.org/1', link: 'https://a.example.org/1', date: DAY },
  ];
  const server = await startFeedServer({
    // No validators: every run downloads and parses again.
    '/feed': (_q, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(`v${version++}`, entries)),
  });
  const deps = ingestDeps({ sources: [{ id: 'a', type: 'rss', url: server.url('/feed') }] });
  assert.deepEqual(pick((await ingestAll(deps))[0]!), ['fetched', 1, 0, 0]);
  assert.deepEqual(pick((await ingestAll(deps))[0]!), ['fetched', 0, 1, 0]);
  assert.equal(deps.items.count(), 1);
});

test('across sources: one link from another outlet is merged and listed; from the same outlet it is a duplicate', async () => {
  const story = { title: '市监局：我国首个智能航运领域国际标准发布', link: 'https://news.example.org/standard?utm_source=a', date: DAY };
  const sources = feedFiles({
    first: [{ ...story, guid: 'first-1', source: '人民网' }],
    sameOutlet: [{ ...story, link: 'https://news.example.org/standard?utm_source=b', guid: 'same-1', source: '人民网' }],
    otherOutlet: [{ ...story, link: 'https://news.example.org/standard', guid: 'other-1', source: '中国质量新闻网' }],
  });
  const deps = ingestDeps({ sources });
  const reports = await ingestAll(deps);
  assert.deepEqual(reports.map(pick), [
    ['fetched', 1, 0, 0],
    ['fetched', 0, 1, 0],
    ['fetched', 0, 0, 1],
  ]);
  const [item] = allItems(deps);
  assert.equal(item!.outlet, '人民网');
  assert.deepEqual(item!.otherOutlets, [{ outlet: '中国质量新闻网', link: 'https://news.example.org/standard', sourceId: 'otherOutlet' }]);
});

test('opaque guids ("1", "2") only dedupe inside their own feed', async () => {
  const sources = feedFiles({
    one: [{ title: '工信部：发布脑机接口标准化技术委员会筹建方案', guid: '1', link: 'https://one.example.org/a', date: DAY }],
    two: [{ title: '江西：统筹资金支持再生资源回收体系建设', guid: '1', link: 'https://two.example.org/b', date: DAY }],
  });
  const deps = ingestDeps({ sources });
  assert.deepEqual(
    (await ingestAll(deps)).map((r) => r.new),
    [1, 1],
  );
});

test('same content under another link and guid (fingerprint) from another outlet is merged', async () => {
  const body = '<p>国家能源局发布通知，国家绿证核发交易系统正式上线运行，标志着绿证核发全覆盖迈出关键一步。</p>';
  const sources = feedFiles({
    energy: [
      {
        title: '国家能源局：国家绿证核发交易系统上线运行',
        link: 'https://nea.example.org/1',
        guid: 'nea-1',
        body,
        source: '国家能源局网站',
        date: DAY,
      },
    ],
    wire: [
      {
        title: '国家能源局：国家绿证核发交易系统上线运行',
        link: 'https://wire.example.org/77',
        guid: 'wire-77',
        body,
        source: '证券日报',
        date: DAY,
      },
    ],
  });
  const deps = ingestDeps({ sources });
  assert.deepEqual((await ingestAll(deps)).map(pick), [
    ['fetched', 1, 0, 0],
    ['fetched', 0, 0, 1],
  ]);
});

test('near-duplicate threshold: both sides of NEAR_DUPLICATE_THRESHOLD', () => {
  const same = ['两部门：进一步支持专精特新中小企业高质量发展', '财政部 工信部：进一步支持专精特新中小企业高质量发展'] as const;
  const different = ['工信部：印发《锂离子电池行业规范条件》', '工信部：印发《光伏制造行业规范条件》'] as const;
  assert.ok(similarity(...same) >= NEAR_DUPLICATE_THRESHOLD, `${similarity(...same)} ≥ ${NEAR_DUPLICATE_THRESHOLD}`);
  assert.ok(similarity(...different) < NEAR_DUPLICATE_THRESHOLD, `${similarity(...different)} < ${NEAR_DUPLICATE_THRESHOLD}`);
  assert.ok(similarity('多部门：打造消费新场景 培育消费新增长点', '多部门：实施设备更新贷款财政贴息政策') < 0.2);
});

test('near-duplicates from other outlets merge into the earlier item; the pair below the threshold stays two items', async () => {
  const sources = feedFiles({
    bjnews: [
      {
        title: '两部门：进一步支持专精特新中小企业高质量发展',
        link: 'https://bjnews.example.org/1',
        source: '新京报',
        date: 'Wed, 19 Jun 2024 08:00:00 +0800',
      },
      {
        title: '工信部：印发《锂离子电池行业规范条件》',
        link: 'https://bjnews.example.org/2',
        source: '新京报',
        date: 'Wed, 19 Jun 2024 09:00:00 +0800',
      },
    ],
    people: [
      {
        title: '财政部 工信部：进一步支持专精特新中小企业高质量发展',
        link: 'https://people.example.org/9',
        source: '人民网',
        date: 'Thu, 20 Jun 2024 10:00:00 +0800',
      },
      {
        title: '工信部：印发《光伏制造行业规范条件》',
        link: 'https://people.example.org/10',
        source: '人民网',
        date: 'Thu, 20 Jun 2024 10:00:00 +0800',
      },
    ],
  });
  const deps = ingestDeps({ sources });
  const reports = await ingestAll(deps);
  assert.deepEqual(reports.map(pick), [
    ['fetched', 2, 0, 0],
    ['fetched', 1, 0, 1],
  ]);
  const items = allItems(deps);
  assert.deepEqual(
    items.map((i) => i.title),
    ['进一步支持专精特新中小企业高质量发展', '印发《锂离子电池行业规范条件》', '印发《光伏制造行业规范条件》'],
  );
  assert.deepEqual(items[0]!.otherOutlets, [{ outlet: '人民网', link: 'https://people.example.org/9', sourceId: 'people' }]);

  // The next run (feeds re-downloaded) finds the merged copy again: now a plain duplicate, listed once.
  for (const s of sources) deps.sources.update(s.id, { etag: null });
  const again = await ingestAll(deps);
  assert.deepEqual(again.map(pick), [
    ['fetched', 0, 2, 0],
    ['fetched', 0, 2, 0],
  ]);
  assert.equal(deps.items.get(items[0]!.id)!.otherOutlets.length, 1);
});

test('no near-duplicate merge: same outlet, different places or bodies, different numbers, or too far apart in time', async () => {
  const far = new Date(Date.parse('2024-06-20T02:00:00Z') + (NEAR_DUPLICATE_WINDOW_DAYS + 1) * 86_400_000).toUTCString();
  const sources = feedFiles({
    a: [
      { title: '多部门：联合加强资本市场财务造假监管', link: 'https://a.example.org/1', source: '人民网', date: DAY },
      { title: '北京：发布措施促进微短剧产业发展', link: 'https://a.example.org/2', source: '北京日报', date: DAY },
      { title: '国家统计局：5月份CPI同比上涨0.3%', link: 'https://a.example.org/3', source: '新华社', date: DAY },
      {
        title: '国资委：中央企业牵头建设创新联合体',
        link: 'https://a.example.org/4',
        source: '新华社',
        date: 'Thu, 20 Jun 2024 10:00:00 +0800',
      },
      { title: '工信部：部署开展标准化专项行动', link: 'https://a.example.org/5', source: '新华社', date: DAY },
    ],
    b: [
      { title: '多部门联合加强资本市场财务造假监管', link: 'https://b.example.org/1', source: '人民网', date: DAY },
      { title: '上海：发布措施促进微短剧产业发展', link: 'https://b.example.org/2', source: '解放日报', date: DAY },
      { title: '国家统计局：6月份CPI同比上涨0.2%', link: 'https://b.example.org/3', source: '人民网', date: DAY },
      {
        title: '国资委：中央企业牵头建设创新联合体',
        link: 'https://b.example.org/4',
        source: '人民网',
        date: far,
        body: '<p>第四批联合体。</p>',
      },
      { title: '市监局：部署开展标准化专项行动', link: 'https://b.example.org/5', source: '人民网', date: DAY },
    ],
  });
  const deps = ingestDeps({ sources });
  assert.deepEqual((await ingestAll(deps)).map(pick), [
    ['fetched', 5, 0, 0],
    ['fetched', 5, 0, 0],
  ]);
});

test('one issuer naming the other, or naming several bodies, is no conflict', async () => {
  const sources = feedFiles({
    a: [
      { title: '国资委：中央企业牵头建设 24 个创新联合体', link: 'https://a.example.org/1', source: '新华社', date: DAY },
      { title: '北京：亦庄将建全域人工智能之城 开放十大标杆应用场景', link: 'https://a.example.org/2', source: '北京日报', date: DAY },
    ],
    b: [
      { title: '国务院国资委：中央企业牵头建设24个创新联合体', link: 'https://b.example.org/1', source: '人民网', date: DAY },
      { title: '北京市：亦庄将建全域人工智能之城 开放十大标杆应用场景', link: 'https://b.example.org/2', source: '中国新闻网', date: DAY },
    ],
  });
  const deps = ingestDeps({ sources });
  assert.deepEqual((await ingestAll(deps)).map(pick), [
    ['fetched', 2, 0, 0],
    ['fetched', 0, 0, 2],
  ]);
});

test('which copy is kept follows config order, not network timing', async () => {
  const story = (outlet: string, n: number) =>
    rss(outlet, [
      { title: '证监会：发布“科创板八条” 为新质生产力营造良好投融资环境', link: `https://${n}.example.org/x`, source: outlet, date: DAY },
    ]);
  let fastDone = false;
  const server = await startFeedServer({
    '/slow': async (_q, res) => {
      // Answer only once the later source has been answered in full.
      await waitFor(() => fastDone, 'the fast source answered');
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(story('人民网', 1));
    },
    '/fast': (_q, res) =>
      void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(story('证券时报', 2), () => (fastDone = true)),
  });
  const deps = ingestDeps({
    sources: [
      { id: 'slow', type: 'rss', url: server.url('/slow') },
      { id: 'fast', type: 'rss', url: server.url('/fast') },
    ],
  });
  assert.deepEqual((await ingestAll(deps)).map(pick), [
    ['fetched', 1, 0, 0],
    ['fetched', 0, 0, 1],
  ]);
  const [item] = allItems(deps);
  assert.equal(item!.outlet, '人民网');
  assert.equal(item!.otherOutlets[0]!.outlet, '证券时报');
});

test('editor items are never merged away; a feed copy merges into the editor item', async () => {
  const dir = tempDir('digest-inbox-');
  mkdirSync(join(dir, 'inbox'));
  writeFileSync(
    join(dir, 'inbox', 'item.txt'),
    '上海：临港新片区推进高水平开放 10 项举措发布\n\n文汇报 2024-06-21\n\n6 月 21 日举行的临港新片区高水平开放大会上，十项举措发布。\n',
  );
  const [feed] = feedFiles({
    wire: [
      {
        title: '上海：临港新片区推进高水平开放10项举措发布',
        link: 'https://wire.example.org/1',
        source: '新华社',
        date: 'Fri, 21 Jun 2024 12:00:00 +0800',
      },
    ],
  });
  const deps = ingestDeps({ sources: [{ id: 'inbox', type: 'inbox', path: join(dir, 'inbox') }, feed] });
  assert.deepEqual((await ingestAll(deps)).map(pick), [
    ['fetched', 1, 0, 0],
    ['fetched', 0, 0, 1],
  ]);
  assert.equal(allItems(deps)[0]!.otherOutlets[0]!.outlet, '新华社');
});

function pick(r: { status: string; new: number; duplicate: number; merged: number }): [string, number, number, number] {
  return [r.status, r.new, r.duplicate, r.merged];
}
