/**
 * Publishing cost. (1) The feeds of a run: 10 issues (the default) of 60 items
 * (the sample issue's size) as RSS, Atom, JSON Feed and the per-item feed,
 * against a JSON.stringify of the same issues measured in the same run.
 * (2) The archive as the CLI builds it, from every stored issue (a SQLite
 * JSON query for numbering and section counts, then renderArchive), for one
 * month, one year and five years of daily issues, against one month and
 * against loading and parsing every issue.
 * Writes out/bench/publish.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { archiveEntry, renderArchive } from '../src/publish/archive.ts';
import { loadTemplates } from '../src/render/index.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { renderAtom } from '../src/publish/atom.ts';
import { issueFeed, itemFeed, type FeedSettings } from '../src/publish/feeds.ts';
import { renderJsonFeed } from '../src/publish/json-feed.ts';
import { renderRss } from '../src/publish/rss.ts';
import type { Issue, IssueItem } from '../src/types.ts';
import { medianMs } from './timing.ts';

const PARAGRAPH =
  '财政部、工业和信息化部近日联合印发《关于进一步支持专精特新中小企业高质量发展的通知》，部署通过中央财政资金进一步支持专精特新中小企业高质量发展工作。';
const SECTIONS = ['热点关注', '行业动向', '国际视野', '国内动态', '自贸专题', '企业排行榜'];

function issueOn(day: number): Issue {
  const date = new Date(Date.UTC(2020, 0, 1 + day)).toISOString().slice(0, 10);
  let position = 0;
  const item = (): IssueItem => {
    position++;
    const text = Array.from({ length: 6 }, () => PARAGRAPH).join('\n\n');
    return {
      id: `${date}-${position}`,
      sourceId: 'policy',
      guid: null,
      link: `https://news.example.cn/${date}/${position}.html`,
      title: `进一步支持专精特新中小企业高质量发展（${position}）`,
      issuer: '两部门',
      outlet: '新京报',
      publishedAt: `${date}T06:00:00.000+08:00`,
      firstSeenAt: `${date}T06:10:00.000+08:00`,
      text,
      html: text
        .split('\n\n')
        .map((p) => `<p>${p}<a href="/more/${position}">更多</a></p>`)
        .join(''),
      attachments: [],
      fingerprint: '',
      otherOutlets: [],
      pinnedSection: null,
      categories: [],
      reason: 'rule bench',
      position,
    };
  };
  return {
    date,
    title: '信息摘编',
    numbering: { year: Number(date.slice(0, 4)), number: day + 1, totalNumber: day + 1 },
    window: { from: `${date}T00:00:00.000+08:00`, to: `${date}T06:00:00.000+08:00` },
    cutoff: `${date}T07:00:00.000+08:00`,
    sections: SECTIONS.map((title, i) => ({ id: `s${i}`, title, items: Array.from({ length: 10 }, item), overflow: [] })),
    unplaced: [],
  };
}

/** A web page like the template's: the items inside <main>, with relative links. */
function page(issue: Issue): string {
  const body = issue.sections
    .flatMap((s) => s.items)
    .map((i) => `<article id="item-${i.position}"><h3>${i.title}</h3>${i.html}</article>`)
    .join('\n');
  return `<html><body><main><nav class="neighbours"><a href="../../index.html">往期</a></nav>${body}</main></body></html>`;
}

const settings: FeedSettings = {
  publication: {
    title: '信息摘编',
    description: '每日信息摘编',
    baseUrl: 'https://example.org/digest/',
    timezone: 'Asia/Shanghai',
    language: 'zh-CN',
    editorialUnit: '',
    contacts: [],
    editors: [],
  },
  summaryChars: 220,
};

// (1) Feeds of a run.
const latest = Array.from({ length: 10 }, (_, i) => issueOn(1000 - i));
const published = latest.map((issue) => ({ issue, webHtml: page(issue) }));
const baseline = await medianMs(() => JSON.stringify(latest), 15);
let bytes = 0;
const feeds = await medianMs(() => {
  const doc = issueFeed(published, settings);
  const out = [renderRss(doc, 'f'), renderAtom(doc, 'a'), renderJsonFeed(doc, 'j'), renderRss(itemFeed(latest, settings, 100), 'i')];
  bytes = out.reduce((n, s) => n + Buffer.byteLength(s), 0);
}, 15);

// (2) The archive from every stored issue, as the CLI builds it: SQLite's JSON
// functions read numbering and section counts (IssueStore.archiveEntries),
// against the naive way of loading and parsing every issue's JSON.
const archive: { issues: number; ms: number; naiveMs: number; heapMb: number }[] = [];
for (const n of [30, 365, 1825]) {
  const store = openSqliteStore(':memory:');
  const save = store.db.transaction(() => {
    for (let i = 0; i < n; i++) store.issues.save(issueOn(i), '2020-01-01T00:00:00Z');
  });
  save();
  const settings = { title: '信息摘编', description: '', language: 'zh-CN', itemFeed: true };
  const templates = loadTemplates('templates');
  (globalThis as { gc?: () => void }).gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const ms = await medianMs(() => renderArchive(store.issues.archiveEntries(), settings, templates), 5);
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  const naiveMs = await medianMs(
    () =>
      renderArchive(
        store.issues.latest(n).map((s) => archiveEntry(s.issue)),
        settings,
        templates,
      ),
    n > 1000 ? 3 : 5,
  );
  archive.push({ issues: n, ms, naiveMs, heapMb });
  store.close();
}

const report = {
  feeds: {
    issues: latest.length,
    itemsPerIssue: 60,
    ms: feeds,
    baselineJsonStringifyMs: baseline,
    ratio: feeds / baseline,
    outputMb: bytes / 1e6,
  },
  archive: archive.map((a) => ({ ...a, ratioToMonth: a.ms / archive[0]!.ms })),
};
console.log(`feeds (${latest.length} issues × 60 items → feed.xml, atom.xml, feed.json, items.xml; ${(bytes / 1e6).toFixed(1)} MB):`);
console.log(`  ${feeds.toFixed(1)} ms = ${(feeds / baseline).toFixed(1)}× a JSON.stringify of the same issues (${baseline.toFixed(1)} ms)`);
console.log('archive from every stored issue (SQLite JSON query + render), against parsing every issue:');
for (const a of report.archive) {
  console.log(
    `  ${String(a.issues).padStart(5)} issues: ${a.ms.toFixed(1).padStart(7)} ms (${a.ratioToMonth.toFixed(1)}× one month; ${(a.naiveMs / a.ms).toFixed(1)}× faster than parsing all), heap +${a.heapMb.toFixed(0)} MB`,
  );
}
mkdirSync('out/bench', { recursive: true });
writeFileSync('out/bench/publish.json', `${JSON.stringify(report, null, 2)}\n`);
