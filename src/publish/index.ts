/**
 * The publish stage (edge): write an issue's files and refresh the archive
 * and feeds. Earlier issues' files are never touched; only the archive index
 * and the feeds are rewritten, each atomically.
 */
import { join } from 'node:path';
import { personalize } from '../render/personalize.ts';
import type { Issue, RenderedIssue } from '../types.ts';
import { renderArchive } from './archive.ts';
import { mainContent, renderFeeds, type FeedSettings } from './feeds.ts';
import { writeAtomic } from './files.ts';

/** The `issue.json` contract (GUIDE.md): a stable, documented shape for scripts. */
export function issueJson(issue: Issue, summaries: Map<string, string>): unknown {
  return {
    date: issue.date,
    number: issue.numbering.number,
    totalNumber: issue.numbering.totalNumber,
    year: issue.numbering.year,
    title: issue.title,
    window: issue.window,
    cutoff: issue.cutoff,
    sections: issue.sections.map((s) => ({
      id: s.id,
      title: s.title,
      items: s.items.map((i) => ({
        id: i.id,
        position: i.position,
        title: i.title,
        issuer: i.issuer,
        outlet: i.outlet,
        publishedAt: i.publishedAt,
        link: i.link,
        summary: summaries.get(i.id) ?? i.text,
        attachments: i.attachments,
        otherOutlets: i.otherOutlets,
        reason: i.reason,
      })),
      overflow: s.overflow.map((i) => ({ id: i.id, title: i.title, reason: i.reason })),
    })),
    unplaced: issue.unplaced.map((i) => ({ id: i.id, title: i.title, reason: i.reason })),
  };
}

/** Write `issues/<date>/{email.html,email.txt,index.html,issue.json}`; returns the paths. */
export function writeIssueFiles(outDir: string, issue: Issue, rendered: RenderedIssue, summaries: Map<string, string>, baseUrl: string): string[] {
  const dir = join(outDir, 'issues', issue.date);
  // The published copy of the email is nobody's: generic greeting, unsubscribe info page.
  const generic = personalize(rendered, { name: null, unsubscribeUrl: `${baseUrl.replace(/\/?$/, '/')}unsubscribe` });
  const files: [string, string][] = [
    ['email.html', generic.html],
    ['email.txt', generic.text],
    ['index.html', rendered.webHtml],
    ['issue.json', JSON.stringify(issueJson(issue, summaries), null, 2) + '\n'],
  ];
  return files.map(([name, content]) => {
    const path = join(dir, name);
    writeAtomic(path, content);
    return path;
  });
}

/** Rewrite the archive index and the feeds from the latest issues (newest first). */
export function writeArchiveAndFeeds(
  outDir: string,
  all: Issue[],
  latest: { issue: Issue; webHtml: string }[],
  settings: FeedSettings,
): string[] {
  const feeds = renderFeeds(latest.map((l) => ({ issue: l.issue, contentHtml: mainContent(l.webHtml) })), settings);
  const files: [string, string][] = [
    ['index.html', renderArchive(all, settings.title, settings.description, settings.language)],
    ['feed.xml', feeds.rss],
    ['atom.xml', feeds.atom],
    ['feed.json', feeds.json],
  ];
  return files.map(([name, content]) => {
    const path = join(outDir, name);
    writeAtomic(path, content);
    return path;
  });
}
