/**
 * Publishing cost. (1) The feeds of a run: 10 issues (the default) of 60 items
 * (the sample issue's size) as RSS, Atom, JSON Feed and the per-item feed,
 * against a JSON.stringify of the same issues measured in the same run.
 * (2) The archive as the CLI builds it today, from every stored issue
 * (JSON.parse of each issue, then archiveEntry + renderArchive), for one
 * month, one year and five years of daily issues, against one month.
 * Writes out/bench/publish.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { archiveEntry, renderArchive } from '../src/publish/archive.ts';
import { renderAtom } from '../src/publish/atom.ts';
import { issueFeed, itemFeed, type FeedSettings } from '../src/publish/feeds.ts';
import { renderJsonFeed } from '../src/publish/json-feed.ts';
import { renderRss } from '../src/publish/rss.ts';
import type { Issue, IssueItem } from '../src/types.ts';

const PARAGRAPH = '财政部、工业和信息化部近日联合印发《关于进一步支持专精特新中小企业高质量发展的通知》，部署通过中央财政资金进一步支持专精特新中小企业高质量发展工作。';
const SECTIONS = ['热点关注', '行业动向', '国际视野', '国内动态', '自贸专题', '企业排行榜'];

function issueOn(day: number): Issue {
  const date = new Date(Date.UTC(2020, 0, 1 + day)).toISOString().slice(0, 10);
  let position = 0;
  const item = (): IssueItem => {
    position++;
    const text = Array.from({ length: 6 }, () => PARAGRAPH).join('\n\n');
    return {
      id: `${date}-${position}`, sourceId: 'policy', guid: null, link: `https://news.example.cn/${date}/${position}.html`,
      title: `进一步支持专精特新中小企业高质量发展（${position}）`, issuer: '两部门', outlet: '新京报',
      publishedAt: `${date}T06:00:00.000+08:00`, firstSeenAt: `${date}T06:10:00.000+08:00`, text,
      html: text.split('\n\n').map((p) => `<p>${p}<a href="/more/${position}">更多</a></p>`).join(''),
      attachments: [], fingerprint: '', otherOutlets: [], pinnedSection: null, categories: [], reason: 'rule bench', position,
    };
  };
  return {
    date, title: '信息摘编', numbering: { year: Number(date.slice(0, 4)), number: day + 1, totalNumber: day + 1 },
    window: { from: `${date}T00:00:00.000+08:00`, to: `${date}T06:00:00.000+08:00` }, cutoff: `${date}T07:00:00.000+08:00`,
    sections: SECTIONS.map((title, i) => ({ id: `s${i}`, title, items: Array.from({ length: 10 }, item), overflow: [] })),
    unplaced: [],
  };
}

/** A web page like the template's: the items inside <main>, with relative links. */
function page(issue: Issue): string {
  const body = issue.sections.flatMap((s) => s.items).map((i) => `<article id="item-${i.position}"><h3>${i.title}</h3>${i.html}</article>`).join('\n');
  return `<html><body><main><nav class="neighbours"><a href="../../index.html">往期</a></nav>${body}</main></body></html>`;
}

const settings: FeedSettings = {
  publication: { title: '信息摘编', description: '每日信息摘编', baseUrl: 'https://example.org/digest/', timezone: 'Asia/Shanghai', language: 'zh-CN', editorialUnit: '', contacts: [], editors: [] },
  summaryChars: 220,
};

/** Median milliseconds of `runs` calls (after one warm-up). */
function time(fn: () => unknown, runs: number): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

// (1) Feeds of a run.
const latest = Array.from({ length: 10 }, (_, i) => issueOn(1000 - i));
const published = latest.map((issue) => ({ issue, webHtml: page(issue) }));
const baseline = time(() => JSON.stringify(latest), 15);
let bytes = 0;
const feeds = time(() => {
  const doc = issueFeed(published, settings);
  const out = [renderRss(doc, 'f'), renderAtom(doc, 'a'), renderJsonFeed(doc, 'j'), renderRss(itemFeed(latest, settings, 100), 'i')];
  bytes = out.reduce((n, s) => n + Buffer.byteLength(s), 0);
}, 15);

// (2) The archive from every stored issue (as the CLI does it today).
const stored = JSON.stringify(issueOn(0));
const archive = [30, 365, 1825].map((n) => {
  const rows = Array.from({ length: n }, (_, i) => stored.replace(/2020-01-01/g, new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10)));
  (globalThis as { gc?: () => void }).gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let parsed: Issue[] = [];
  const ms = time(() => {
    parsed = rows.map((r) => JSON.parse(r) as Issue);
    renderArchive(parsed.map(archiveEntry), { title: '信息摘编', description: '', language: 'zh-CN', itemFeed: true });
  }, n > 1000 ? 3 : 7);
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  const renderOnly = time(() => renderArchive(parsed.map(archiveEntry), { title: '信息摘编', description: '', language: 'zh-CN', itemFeed: true }), 7);
  return { issues: n, ms, renderOnlyMs: renderOnly, heapMb, storedMb: (rows.length * stored.length * 2) / 1e6 };
});

const report = {
  feeds: { issues: latest.length, itemsPerIssue: 60, ms: feeds, baselineJsonStringifyMs: baseline, ratio: feeds / baseline, outputMb: bytes / 1e6 },
  archive: archive.map((a) => ({ ...a, ratioToMonth: a.ms / archive[0]!.ms })),
};
console.log(`feeds (${latest.length} issues × 60 items → feed.xml, atom.xml, feed.json, items.xml; ${(bytes / 1e6).toFixed(1)} MB):`);
console.log(`  ${feeds.toFixed(1)} ms = ${(feeds / baseline).toFixed(1)}× a JSON.stringify of the same issues (${baseline.toFixed(1)} ms)`);
console.log('archive from every stored issue (JSON.parse all + render):');
for (const a of report.archive) {
  console.log(`  ${String(a.issues).padStart(5)} issues: ${a.ms.toFixed(0).padStart(6)} ms (${a.ratioToMonth.toFixed(1)}× one month), render alone ${a.renderOnlyMs.toFixed(1)} ms, heap +${a.heapMb.toFixed(0)} MB`);
}
mkdirSync('out/bench', { recursive: true });
writeFileSync('out/bench/publish.json', JSON.stringify(report, null, 2) + '\n');
