/**
 * The publish stage (edge): write an issue's files, then refresh the archive
 * and the feeds. Files of other issues are never written, rewritten or
 * deleted: once published, `issues/<date>/` stays as readers first saw it.
 * Only the archive index and the feeds are rewritten, each atomically and
 * only when their content changes. Everything under `out/` is a static file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assetUrl } from '../assets.ts';
import { personalize, type Templates } from '../render/index.ts';
import type { Issue, IsoDate, RenderedIssue } from '../types.ts';
import { renderArchive, type ArchiveEntry } from './archive.ts';
import { renderAtom } from './atom.ts';
import { homeUrl, issueFeed, itemFeed, type FeedSettings, type PublishedIssue } from './feeds.ts';
import { sweepStaleTemps, writeIfChanged } from '../util/fs.ts';
import { renderJsonFeed } from './json-feed.ts';
import { renderRss } from './rss.ts';

export { archiveEntry, archiveView, renderArchive, type ArchiveEntry, type ArchiveView } from './archive.ts';
export type { FeedSettings, PublishedIssue } from './feeds.ts';

/** Everything publishing needs from the configuration. */
export interface PublishSettings extends FeedSettings {
  /** The per-item feed `items.xml`: on/off and how many items it carries. */
  itemFeed: { enabled: boolean; maxItems: number };
}

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
        // Only when set, so issue.json of sure placements is unchanged.
        ...(i.review ? { review: true, runnerUp: i.runnerUp ?? null } : {}),
      })),
      overflow: s.overflow.map((i) => ({ id: i.id, title: i.title, reason: i.reason })),
    })),
    unplaced: issue.unplaced.map((i) => ({ id: i.id, title: i.title, reason: i.reason })),
  };
}

function writeAll(dir: string, files: [string, string | Uint8Array][]): string[] {
  return files.map(([name, content]) => {
    const path = join(dir, name);
    writeIfChanged(path, content);
    return path;
  });
}

/** The files of an issue under `issues/<date>/`, each written atomically (present means complete). */
const ISSUE_FILES = { email: 'email.html', text: 'email.txt', web: 'index.html', json: 'issue.json' } as const;

/** The issue's published files missing on disk (publishing failed part-way, e.g. a full disk): absolute paths. */
export function missingIssueFiles(outDir: string, date: string): string[] {
  const dir = join(outDir, 'issues', date);
  return Object.values(ISSUE_FILES)
    .map((f) => join(dir, f))
    .filter((f) => !existsSync(f));
}

/**
 * Write `issues/<date>/{email.html,email.txt,index.html,issue.json}` of the
 * issue being published (and nothing of any other issue); returns the paths.
 * The caller makes sure a sent issue is never published again.
 */
export function writeIssueFiles(
  outDir: string,
  issue: Issue,
  rendered: RenderedIssue,
  summaries: Map<string, string>,
  baseUrl: string,
): string[] {
  const dir = join(outDir, 'issues', issue.date);
  sweepStaleTemps(dir, Date.now());
  // A rebuild keeps the first publication time; the content time moves only when the page changed.
  const before = publicationTimes(outDir, issue.date);
  const changed = publishedPage(outDir, issue.date) !== rendered.webHtml;
  const times = {
    publishedAt: before?.publishedAt ?? issue.cutoff,
    updatedAt: before && !changed ? before.updatedAt : issue.cutoff,
  };
  // The published copy of the email is nobody's: generic greeting, unsubscribe info page.
  const generic = personalize(rendered, { name: null, unsubscribeUrl: `${homeUrl(baseUrl)}unsubscribe` });
  return writeAll(dir, [
    [ISSUE_FILES.email, generic.html],
    [ISSUE_FILES.text, generic.text],
    [ISSUE_FILES.web, rendered.webHtml],
    [ISSUE_FILES.json, `${JSON.stringify({ ...(issueJson(issue, summaries) as object), ...times }, null, 2)}\n`],
  ]);
}

/**
 * The web page of `date` as it was published, or null when it is not on
 * disk. Feeds carry this page rather than a fresh render, so an entry's
 * content never drifts after publication (a changed template restyles new
 * issues only).
 */
export function publishedPage(outDir: string, date: IsoDate): string | null {
  try {
    return readFileSync(join(outDir, 'issues', date, ISSUE_FILES.web), 'utf8');
  } catch {
    return null;
  }
}

/** When the issue of `date` was first published and last changed, from its issue.json (null: never published). */
export function publicationTimes(outDir: string, date: IsoDate): { publishedAt: string; updatedAt: string } | null {
  try {
    const json = JSON.parse(readFileSync(join(outDir, 'issues', date, ISSUE_FILES.json), 'utf8')) as {
      publishedAt?: string;
      updatedAt?: string;
    };
    return json.publishedAt ? { publishedAt: json.publishedAt, updatedAt: json.updatedAt ?? json.publishedAt } : null;
  } catch {
    return null;
  }
}

// The publication's icon (feeds' icon, pages' favicon): the title's first character on the masthead red.
const ICON = (title: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="10" fill="#9a1b1b"/><text x="32" y="44" font-size="36" text-anchor="middle" fill="#fff" font-family="sans-serif">${[...title][0]?.replace(/[<&>]/g, '') ?? ''}</text></svg>\n`;

/**
 * The RSS channel image: RSS 2.0 allows only GIF, JPEG or PNG there (144 px
 * at most), so the icon is also shipped as a 144 × 144 PNG
 * (src/publish/icon.png, made once from the SVG; replace it to rebrand).
 */
const ICON_PNG = () => readFileSync(assetUrl('publish/icon.png'));

/**
 * Rewrite the archive index (from `archive`: every issue, laid out by
 * `templates.archive`) and the feeds (from `latest`: the issues they carry,
 * newest first, with their pages). Returns the paths of the archive and feed files.
 */
export function writeArchiveAndFeeds(
  outDir: string,
  archive: ArchiveEntry[],
  latest: PublishedIssue[],
  s: PublishSettings,
  templates: Pick<Templates, 'archive'>,
): string[] {
  sweepStaleTemps(outDir, Date.now());
  const p = s.publication;
  const base = homeUrl(p.baseUrl);
  const dated = latest.map((l) => {
    const t = publicationTimes(outDir, l.issue.date);
    return t ? { firstPublished: t.publishedAt, contentUpdated: t.updatedAt, ...l } : l;
  });
  const issues = issueFeed(dated, s);
  const files: [string, string | Uint8Array][] = [
    ['feed.xml', renderRss(issues, `${base}feed.xml`)],
    ['atom.xml', renderAtom(issues, `${base}atom.xml`)],
    ['feed.json', renderJsonFeed(issues, `${base}feed.json`)],
  ];
  // Turned off, items.xml is no longer updated; like every published file it is not deleted.
  if (s.itemFeed.enabled) {
    files.push([
      'items.xml',
      renderRss(
        itemFeed(
          latest.map((l) => l.issue),
          s,
          s.itemFeed.maxItems,
        ),
        `${base}items.xml`,
      ),
    ]);
  }
  files.push(['icon.svg', ICON(p.title)], ['icon.png', ICON_PNG()]);
  files.push([
    'index.html',
    renderArchive(archive, { title: p.title, description: p.description, language: p.language, itemFeed: s.itemFeed.enabled }, templates),
  ]);
  return writeAll(outDir, files);
}
