/**
 * The archive page `out/index.html` (pure): every issue, newest first,
 * grouped by year, with its numbering and section counts. It is the
 * navigation hub of the static site: published issue pages are never
 * rewritten, so an older page cannot learn about the issues after it; the
 * archive can, and every issue page links to it.
 */
import { escapeHtml } from '../util/html.ts';
import { numberingLine } from '../render/index.ts';
import type { Issue, IssueNumber, IsoDate } from '../types.ts';

/** What the archive shows of one issue (cheap to keep for thousands of issues). */
export interface ArchiveEntry {
  date: IsoDate;
  numbering: IssueNumber;
  /** Sections that have items, in issue order. */
  sections: { title: string; count: number }[];
}

/** Archive settings (the publication's). */
export interface ArchiveSettings {
  title: string;
  description: string;
  language: string;
  /** Whether `items.xml` (the per-item feed) is published. */
  itemFeed: boolean;
}

/** The archive's view of an issue. */
export function archiveEntry(issue: Issue): ArchiveEntry {
  return {
    date: issue.date,
    numbering: issue.numbering,
    sections: issue.sections.filter((s) => s.items.length).map((s) => ({ title: s.title, count: s.items.length })),
  };
}

function row(e: ArchiveEntry): string {
  const n = e.numbering;
  const total = e.sections.reduce((k, s) => k + s.count, 0);
  const counts = e.sections.map((s) => `${escapeHtml(s.title)} ${s.count}`).join(' · ');
  // The id lets a page link to its own place in the archive (index.html#issue-2024-07-15).
  return `<li id="issue-${e.date}"><a href="issues/${e.date}/index.html">${escapeHtml(numberingLine(n.year, n.number, n.totalNumber))}</a>
  <time datetime="${e.date}">${e.date}</time><br><span class="meta">共 ${total} 条：${counts}</span></li>`;
}

/** Render the archive page. `entries` may come in any order; they are shown newest first. */
export function renderArchive(entries: ArchiveEntry[], s: ArchiveSettings): string {
  const sorted = [...entries].sort((a, b) => b.date.localeCompare(a.date));
  const years = [...new Set(sorted.map((e) => e.date.slice(0, 4)))];
  const groups = years
    .map(
      (y) =>
        `<section id="year-${y}"><h2>${y}年</h2>\n<ol>\n${sorted
          .filter((e) => e.date.startsWith(y))
          .map(row)
          .join('\n')}\n</ol></section>`,
    )
    .join('\n');
  const latest = sorted[0];
  const title = escapeHtml(s.title);
  return `<!doctype html>
<html lang="${escapeHtml(s.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title} · 往期</title>
<meta name="description" content="${escapeHtml(s.description)}">
<link rel="alternate" type="application/rss+xml" title="${title}" href="feed.xml">
<link rel="alternate" type="application/atom+xml" title="${title}" href="atom.xml">
<link rel="alternate" type="application/feed+json" title="${title}" href="feed.json">
${s.itemFeed ? `<link rel="alternate" type="application/rss+xml" title="${title} · 逐条" href="items.xml">\n` : ''}<style>
  body { margin: 0 auto; max-width: 760px; padding: 0 20px 40px; font: 17px/1.8 -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: #1f2328; }
  h1 { color: #9a1b1b; letter-spacing: .2em; } h2 { color: #9a1b1b; border-bottom: 2px solid #9a1b1b; }
  ol { list-style: none; padding: 0; } li { padding: 12px 0; border-bottom: 1px solid #ddd; }
  a { color: #9a1b1b; } .meta { color: #57606a; font-size: .85em; } nav.years a { margin-right: .8em; }
  @media (prefers-color-scheme: dark) { body { background: #0d1117; color: #e6edf3; } a, h1, h2 { color: #ff9b9b; border-color: #ff9b9b; } .meta { color: #9da7b3; } }
</style>
</head>
<body>
<header><h1>${title}</h1><p>${escapeHtml(s.description)}</p>
${latest ? `<p>最新一期：<a href="issues/${latest.date}/index.html">${escapeHtml(numberingLine(latest.numbering.year, latest.numbering.number, latest.numbering.totalNumber))}</a></p>\n` : ''}<p>订阅：<a href="feed.xml">RSS</a> · <a href="atom.xml">Atom</a> · <a href="feed.json">JSON Feed</a>${s.itemFeed ? ' · <a href="items.xml">逐条 RSS</a>' : ''}</p>
${years.length > 1 ? `<nav class="years" aria-label="年份">${years.map((y) => `<a href="#year-${y}">${y}年</a>`).join('')}</nav>\n` : ''}</header>
<main>
${groups || '<p>还没有任何一期。</p>'}
</main>
</body>
</html>
`;
}
