/**
 * The archive page `out/index.html` (pure): every issue, newest first, with
 * its numbering and section counts.
 */
import { escapeHtml } from '../ingest/normalize.ts';
import { numberingLine } from '../render/numerals.ts';
import type { Issue } from '../types.ts';

/** Render the archive page for `issues` (newest first). */
export function renderArchive(issues: Issue[], title: string, description: string, language: string): string {
  const rows = issues
    .map((issue) => {
      const n = issue.numbering;
      const counts = issue.sections.filter((s) => s.items.length).map((s) => `${escapeHtml(s.title)} ${s.items.length}`).join(' · ');
      return `<li><a href="issues/${issue.date}/index.html"><strong>${escapeHtml(numberingLine(n.year, n.number, n.totalNumber))}</strong></a>
  <time datetime="${issue.date}">${issue.date}</time><br><span class="meta">${counts}</span></li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="${escapeHtml(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)} · 往期</title>
<link rel="alternate" type="application/rss+xml" title="${escapeHtml(title)}" href="feed.xml">
<link rel="alternate" type="application/atom+xml" title="${escapeHtml(title)}" href="atom.xml">
<link rel="alternate" type="application/feed+json" title="${escapeHtml(title)}" href="feed.json">
<style>
  body { margin: 0 auto; max-width: 760px; padding: 0 20px 40px; font: 17px/1.8 -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: #1f2328; }
  h1 { color: #9a1b1b; letter-spacing: .2em; } ol { list-style: none; padding: 0; } li { padding: 12px 0; border-bottom: 1px solid #ddd; }
  a { color: #9a1b1b; } .meta { color: #57606a; font-size: .85em; }
  @media (prefers-color-scheme: dark) { body { background: #0d1117; color: #e6edf3; } a, h1 { color: #ff9b9b; } .meta { color: #9da7b3; } }
</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(description)}</p>
<p><a href="feed.xml">RSS</a> · <a href="atom.xml">Atom</a> · <a href="feed.json">JSON Feed</a></p></header>
<main><h2>往期</h2>
<ol>
${rows || '<li>还没有任何一期。</li>'}
</ol></main>
</body>
</html>
`;
}
