/**
 * The publish step: an issue's files, then the archive and feeds.
 */
import { join, resolve } from 'node:path';
import { DigestError } from '../errors.ts';
import { publishedPage, writeArchiveAndFeeds, writeIssueFiles } from '../publish/index.ts';
import { cutAtSentence, renderWebPage, type Templates } from '../render/index.ts';
import type { Issue, RenderedIssue } from '../types.ts';
import type { Context } from './context.ts';
import { renderOptions } from './render.ts';

/**
 * Write the issue's files (from its render), then the archive and feeds
 * (`templates` renders the archive, and older issues' pages missing on disk). Returns the paths
 * written. A write failure (disk full, no permission) becomes an error naming
 * the path and what to do; nothing is mailed until a later run has published.
 */
export function publishStep(ctx: Context, issue: Issue, rendered: RenderedIssue, templates: Templates): string[] {
  try {
    return publishFiles(ctx, issue, rendered, templates);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (!e.code) throw err;
    const where = e.path ?? resolve(ctx.config.output.dir);
    throw new DigestError(
      `cannot publish the issue of ${issue.date}: ${e.code} writing ${where}`,
      `${e.code === 'ENOSPC' ? 'free disk space' : 'fix the path or its permissions'} under ${resolve(ctx.config.output.dir)}, then run digest send --issue ${issue.date} (or digest run) again: it publishes the missing files before anyone is mailed`,
    );
  }
}

function publishFiles(ctx: Context, issue: Issue, rendered: RenderedIssue, templates: Templates): string[] {
  const { config, store } = ctx;
  const summaries = new Map(
    issue.sections.flatMap((s) => s.items.map((i) => [i.id, cutAtSentence(i.text, config.render.summaryChars).text] as const)),
  );
  const outDir = resolve(config.output.dir);
  const files = writeIssueFiles(outDir, issue, rendered, summaries, config.publication.baseUrl);
  // Older issues' pages are never rewritten: their feed entries carry the page as published
  // (rendered in memory only when it is missing from disk).
  const latest = store.issues.latest(config.output.feedIssues).map(({ issue: i }) => ({
    issue: i,
    webHtml:
      i.date === issue.date ? rendered.webHtml : (publishedPage(outDir, i.date) ?? renderWebPage(i, templates, renderOptions(ctx, i.date))),
  }));
  const settings = { publication: config.publication, summaryChars: config.render.summaryChars, itemFeed: config.output.itemFeed };
  files.push(...writeArchiveAndFeeds(outDir, store.issues.archiveEntries(), latest, settings, templates));
  return files.map((f) => join(config.output.dir, f.slice(outDir.length + 1)));
}
