/**
 * The archive page `out/index.html` (pure): every issue, newest first,
 * grouped by year, with its numbering and section counts. It is the
 * navigation hub of the static site: published issue pages are never
 * rewritten, so an older page cannot learn about the issues after it; the
 * archive can, and every issue page links to it.
 */
import { escapeHtml } from '../util/html.ts';
import { cutAtSentence, numberingLine } from '../render/index.ts';
import type { Issue, IssueNumber, IsoDate } from '../types.ts';

/** What the archive shows of one issue (cheap to keep for thousands of issues). */
export interface ArchiveEntry {
  date: IsoDate;
  numbering: IssueNumber;
  /** Sections that have items, in issue order. */
  sections: { title: string; count: number }[];
  /** The lead headlines (first item of the first three sections). */
  leads?: string[];
  /** The start of the lead item's text (cut at a sentence when shown). */
  excerpt?: string;
}

/** Archive settings (the publication's). */
export interface ArchiveSettings {
  title: string;
  description: string;
  language: string;
  /** Whether `items.xml` (the per-item feed) is published. */
  itemFeed: boolean;
}

// The archive's excerpt of an issue's lead item, in characters.
const EXCERPT_CHARS = 90;

/** The archive's view of an issue. */
export function archiveEntry(issue: Issue): ArchiveEntry {
  return {
    date: issue.date,
    numbering: issue.numbering,
    sections: issue.sections.filter((s) => s.items.length).map((s) => ({ title: s.title, count: s.items.length })),
    leads: issue.sections
      .filter((s) => s.items.length)
      .slice(0, 3)
      .map((s) => s.items[0]!)
      .map((i) => (i.issuer ? `${i.issuer}：${i.title}` : i.title)),
    excerpt: cutAtSentence(issue.sections.find((s) => s.items.length)?.items[0]?.text ?? '', EXCERPT_CHARS).text,
  };
}

// Control characters are HTML parse errors (a feed's headline can carry one); the archive drops them.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const text = (s: string) => escapeHtml(s.replace(CONTROL, ''));

function row(e: ArchiveEntry): string {
  const n = e.numbering;
  const total = e.sections.reduce((k, s) => k + s.count, 0);
  const counts = e.sections.map((s) => `${escapeHtml(s.title)} ${s.count}`).join(' · ');
  // The id lets a page link to its own place in the archive (index.html#issue-2024-07-15).
  const leads = e.leads?.length ? `<ul class="leads">${e.leads.map((l) => `<li>${text(l)}</li>`).join('')}</ul>` : '';
  // The store hands over the text's first 300 characters; the page shows whole sentences.
  const excerpt = e.excerpt ? `<p class="excerpt">${text(cutAtSentence(e.excerpt, EXCERPT_CHARS).text)}</p>` : '';
  const summary = total ? `共 ${total} 条：${counts}` : '本期暂无新条目';
  return `<li id="issue-${e.date}"><h3><a href="issues/${e.date}/index.html">${escapeHtml(numberingLine(n.year, n.number, n.totalNumber))}</a>
  <time datetime="${e.date}">${e.date}</time></h3>${leads}${excerpt}<p class="meta">${summary}</p></li>`;
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
${s.itemFeed ? `<link rel="alternate" type="application/rss+xml" title="${title} · 逐条" href="items.xml">\n` : ''}<link rel="icon" href="icon.svg" type="image/svg+xml">
<style>
  /* The issue pages' look: masthead red, paper and card colours, both schemes. */
  :root { --paper: #f3efe6; --card: #fff; --ink: #24211d; --muted: #5f584e; --rule: #ebe5d9; --brand: #9a1b1b; }
  @media (prefers-color-scheme: dark) { :root { --paper: #121212; --card: #1d1d1f; --ink: #e8e4dc; --muted: #b9b2a7; --rule: #3a3a3c; --brand: #ff9e9e; } header.masthead { background: #5a1010; } }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--paper); color: var(--ink); font: 17px/1.8 "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; overflow-wrap: break-word; }
  .page { max-width: 760px; margin: 0 auto; background: var(--card); padding-bottom: 32px; }
  header.masthead { background: #9a1b1b; color: #fff; text-align: center; padding: 32px 24px 24px; }
  header.masthead h1 { margin: 0; font-size: 2.2em; letter-spacing: .3em; text-indent: .3em; }
  header.masthead p { margin: .2em 0; color: #fbe9e7; word-break: keep-all; } header.masthead a { color: #fff; }
  main, nav.years { padding: 0 24px; }
  a { color: var(--brand); }
  h2 { color: var(--brand); border-bottom: 2px solid var(--brand); font-size: 1.3em; margin: 24px 0 0; }
  ol { list-style: none; padding: 0; margin: 0; } ol > li { padding: 14px 0; border-bottom: 1px solid var(--rule); }
  h3 { margin: 0; font-size: 1.05em; } h3 time { font-weight: normal; color: var(--muted); font-size: .85em; margin-left: .5em; }
  ul.leads { margin: .3em 0; padding-left: 1.2em; } .excerpt { margin: .3em 0; font-size: .92em; }
  .meta { margin: 0; color: var(--muted); font-size: .85em; } nav.years a { margin-right: .8em; }
</style>
</head>
<body>
<div class="page">
<header class="masthead"><h1>${title}</h1><p>${escapeHtml(s.description)}</p>
${latest ? `<p>最新一期：<a href="issues/${latest.date}/index.html">${escapeHtml(numberingLine(latest.numbering.year, latest.numbering.number, latest.numbering.totalNumber))}</a></p>\n` : ''}<p>订阅：<a href="feed.xml">RSS</a> · <a href="atom.xml">Atom</a> · <a href="feed.json">JSON Feed</a>${s.itemFeed ? ' · <a href="items.xml">逐条 RSS</a>' : ''}</p>
${years.length > 1 ? `<nav class="years" aria-label="年份">${years.map((y) => `<a href="#year-${y}">${y}年</a>`).join('')}</nav>\n` : ''}</header>
<main>
${groups || '<p>还没有任何一期。</p>'}
</main>
</div>
</body>
</html>
`;
}
