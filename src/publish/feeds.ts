/**
 * What the feeds say (pure): issues (or their items) turned into a
 * FeedDocument that rss.ts, atom.ts and json-feed.ts then write out. Titles,
 * summaries and web addresses come from the render stage's view model, so a
 * feed entry reads exactly like the email and the web page.
 */
import { escapeHtml } from '../util/html.ts';
import { issueView, type ItemView, type PublicationView } from '../render/index.ts';
import type { Issue, IsoTime } from '../types.ts';
import { absolutizeLinks, mainContent } from './links.ts';
import type { FeedDocument, FeedEntry } from './model.ts';

/** Publication settings the feeds need. */
export interface FeedSettings {
  publication: PublicationView & { language: string };
  /** Summary length, as in the email. */
  summaryChars: number;
}

/** An issue and its published web page (the page's `<main>` is the entry's content). */
export interface PublishedIssue {
  issue: Issue;
  webHtml: string;
  /**
   * When the issue was first published and when its content last changed
   * (issue.json keeps both): a rebuild later the same day keeps the first,
   * and moves the second only when the page changed. Default: the cut-off.
   */
  firstPublished?: IsoTime;
  contentUpdated?: IsoTime;
}

/** `baseUrl` with exactly one trailing slash. */
export function homeUrl(baseUrl: string): string {
  return baseUrl.replace(/\/*$/, '/');
}

function latest(times: IsoTime[]): IsoTime {
  // An empty feed (no issue yet) still needs a date; the epoch says "never updated".
  return times.reduce<IsoTime>((max, t) => (Date.parse(t) > Date.parse(max) ? t : max), '1970-01-01T00:00:00Z');
}

function document(s: FeedSettings, entries: FeedEntry[], updated: IsoTime, titleSuffix = ''): FeedDocument {
  const p = s.publication;
  return {
    title: p.title + titleSuffix,
    description: p.description + titleSuffix,
    language: p.language,
    homeUrl: homeUrl(p.baseUrl),
    icon: `${homeUrl(p.baseUrl)}icon.svg`,
    image: `${homeUrl(p.baseUrl)}icon.png`,
    author: p.editorialUnit || p.title,
    updated,
    timezone: p.timezone,
    entries,
  };
}

/**
 * The issue feed: one entry per issue (newest first) with the full web
 * content, every link made absolute against the issue's web address.
 */
export function issueFeed(issues: PublishedIssue[], s: FeedSettings): FeedDocument {
  const entries = issues.map(({ issue, webHtml, firstPublished, contentUpdated }): FeedEntry => {
    const view = issueView(issue, s.publication, s.summaryChars);
    const counts = view.sections.map((sec) => `${sec.title}${sec.items.length}条`).join('，');
    const summary = view.itemCount ? `本期${view.itemCount}条：${counts}` : '本期暂无新条目。';
    return {
      id: view.webUrl,
      idIsUrl: true,
      url: view.webUrl,
      title: view.subject,
      summary,
      contentHtml: absolutizeLinks(mainContent(webHtml), view.webUrl),
      published: firstPublished ?? issue.cutoff,
      updated: contentUpdated ?? firstPublished ?? issue.cutoff,
      categories: view.sections.map((sec) => sec.title),
      author: null,
    };
  });
  return document(s, entries, latest(entries.map((e) => e.updated)));
}

/** A stable id for an item that is not a URL (RFC 4151 tag URI). */
function itemId(baseUrl: string, year: number, itemId: string): string {
  const u = new URL(homeUrl(baseUrl));
  return `tag:${u.hostname},${year}:${u.pathname}item/${itemId}`;
}

function itemContent(v: ItemView, sourceBase: string, issueTitle: string): string {
  const also = v.otherOutlets.length ? `（另见：${v.otherOutlets.map(escapeHtml).join('、')}）` : '';
  const meta = v.outlet ? `<p>${escapeHtml(v.outlet)}${v.date ? ` ${v.date}` : ''}${also}</p>\n` : '';
  const attachments = v.attachments.map((a) => `<p>附：${escapeHtml(a)}</p>\n`).join('');
  const original = v.link ? `<a href="${escapeHtml(v.link)}">原文链接</a> · ` : '';
  return `${meta}${absolutizeLinks(v.html, sourceBase)}\n${attachments}<p>${original}收录于 <a href="${escapeHtml(v.webLink)}">${escapeHtml(issueTitle)}</a></p>`;
}

/**
 * The per-item feed: the items of the given issues (newest issue first, in
 * issue order), at most `maxItems`. Each links to its place in the web page;
 * relative links in its body resolve against the original article.
 */
export function itemFeed(issues: Issue[], s: FeedSettings, maxItems: number): FeedDocument {
  const entries: FeedEntry[] = [];
  // The feed changes when an issue brings items, whatever the items' own dates say.
  const updated = latest(issues.map((i) => i.cutoff));
  for (const issue of issues) {
    const view = issueView(issue, s.publication, s.summaryChars);
    const views = new Map(view.sections.flatMap((sec) => sec.items.map((v) => [v.position, { v, section: sec.title }] as const)));
    for (const item of issue.sections.flatMap((sec) => sec.items)) {
      if (entries.length >= maxItems) return document(s, entries, updated, ' · 逐条');
      const shown = views.get(item.position);
      if (!shown) continue; // not shown on the web page, so nothing to link to
      const { v, section } = shown;
      // An item's feed date is when an issue published it; the source's own date goes in dc:date.
      const when = issue.cutoff;
      entries.push({
        id: itemId(s.publication.baseUrl, issue.numbering.year, item.id),
        idIsUrl: false,
        url: v.webLink,
        title: v.fullTitle,
        summary: v.summary,
        contentHtml: itemContent(v, v.link ?? v.webLink, view.subject),
        published: when,
        updated: when,
        categories: [section],
        author: v.outlet,
        sourceDate: item.publishedAt,
      });
    }
  }
  return document(s, entries, updated, ' · 逐条');
}
