/**
 * Feed renderers (pure): the latest issues as RSS 2.0, Atom 1.0 and JSON Feed
 * 1.1, one entry per issue with the full web content.
 */
import { Feed } from 'feed';
import { DateTime } from 'luxon';
import type { Issue } from '../types.ts';
import { numberingLine } from '../render/numerals.ts';

/** One issue as a feed entry: the issue and its rendered web content (the <main> part). */
export interface FeedEntry {
  issue: Issue;
  contentHtml: string;
}

/** Publication settings the feeds need. */
export interface FeedSettings {
  title: string;
  description: string;
  baseUrl: string;
  language: string;
  timezone: string;
}

/** Build the feed object shared by the three formats. Entries newest first. */
function buildFeed(entries: FeedEntry[], s: FeedSettings): Feed {
  const base = s.baseUrl.endsWith('/') ? s.baseUrl : `${s.baseUrl}/`;
  const dateOf = (issue: Issue) => DateTime.fromISO(issue.cutoff, { zone: s.timezone }).toJSDate();
  const feed = new Feed({
    id: base,
    title: s.title,
    description: s.description,
    link: base,
    language: s.language,
    updated: entries[0] ? dateOf(entries[0].issue) : new Date(0),
    generator: 'digest',
    copyright: s.title,
    feedLinks: { rss: `${base}feed.xml`, atom: `${base}atom.xml`, json: `${base}feed.json` },
  });
  for (const { issue, contentHtml } of entries) {
    const url = `${base}issues/${issue.date}/`;
    const n = issue.numbering;
    const count = issue.sections.reduce((k, sec) => k + sec.items.length, 0);
    feed.addItem({
      title: `${issue.title} ${numberingLine(n.year, n.number, n.totalNumber)}`,
      id: url,
      guid: url,
      link: url,
      date: dateOf(issue),
      published: dateOf(issue),
      description: `本期${count}条：${issue.sections.filter((x) => x.items.length).map((x) => `${x.title}${x.items.length}条`).join('，')}`,
      content: contentHtml,
    });
  }
  return feed;
}

/** RSS 2.0, Atom 1.0 and JSON Feed 1.1 texts for the given entries (newest first). */
export function renderFeeds(entries: FeedEntry[], s: FeedSettings): { rss: string; atom: string; json: string } {
  const feed = buildFeed(entries, s);
  return { rss: feed.rss2(), atom: feed.atom1(), json: feed.json1() };
}

/** The <main> element of a web page: the full content carried by feed entries. */
export function mainContent(webHtml: string): string {
  const m = /<main>([\s\S]*)<\/main>/.exec(webHtml);
  return (m ? m[1]! : webHtml).replace(/<nav class="neighbours"[\s\S]*?<\/nav>/, '').trim();
}
