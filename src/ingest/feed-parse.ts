/**
 * A fetched feed's bytes to items: decode (charset.ts), parse (feed.ts) and
 * build every entry (item.ts: normalize, sanitize). Pure and self-contained,
 * so it runs on a worker thread (parse-worker.ts) as well as here.
 */
import type { SourceConfig } from '../config/index.ts';
import type { Item } from '../types.ts';
import { decodeFeed } from './charset.ts';
import { parseFeed, type ParsedFeed, type RawEntry } from './feed.ts';
import { isHttpUrl } from './fetch.ts';
import { buildItem } from './item.ts';

/** A feed source as configured. */
export type FeedSourceConfig = Extract<SourceConfig, { type: 'rss' }>;

/** A fetched feed and what building its items needs (plain data: it crosses to a worker). */
export interface FeedParseInput {
  bytes: Uint8Array;
  contentType: string | null;
  source: FeedSourceConfig;
  /** Where the bytes came from (resolves relative links when the feed names no site). */
  url: string;
  /** Ingest time (ISO) and the publication's timezone, for dates. */
  now: string;
  zone: string;
}

/** The items of a feed, every entry built. */
export interface FeedParseOutput {
  items: Item[];
  /** Entries with nothing to show (no title, link or body). */
  skipped: number;
  /** The charset the feed was decoded with. */
  charset: string;
}

/** Decode, parse and build the items of a fetched feed. Throws with the reason when it is no usable feed. */
export async function parseFeedBytes(input: FeedParseInput): Promise<FeedParseOutput> {
  const { text, charset } = decodeFeed(input.bytes, input.contentType);
  const feed = await parseFeed(text);
  if (feed.entries.length === 0 && feed.skipped > 0) {
    throw new Error(`the feed has ${feed.skipped} entr${feed.skipped === 1 ? 'y' : 'ies'}, none with a title, link or content`);
  }
  return { items: feedItems(feed, input.source, input.url, input.now, input.zone), skipped: feed.skipped, charset };
}

/**
 * An entry's outlet (来源): the outlet it names itself, else an author that
 * is a Chinese news medium (`人民日报`, `新华社`, `澎湃新闻` — aggregator feeds
 * put the outlet there), else the source's configured name, else the feed title.
 */
export function entryOutlet(entry: RawEntry, source: FeedSourceConfig, feed: ParsedFeed): string | null {
  // (RDF's dc:source is often a URL, which is no outlet name.)
  if (entry.source && !/^[a-z][a-z0-9+.-]*:\/\//i.test(entry.source)) return entry.source;
  if (entry.author && /^[\p{Script=Han}·《》]{2,20}(报|网|社|台|刊|杂志|新闻|在线|客户端|发布|广播|频道|资讯|财经)$/u.test(entry.author))
    return entry.author;
  return source.name ?? feed.title;
}

/** Items from parsed feed entries. `feedUrl` resolves relative links when the feed names no site. */
export function feedItems(
  feed: ParsedFeed,
  source: FeedSourceConfig,
  feedUrl: string,
  now: string,
  zone: string,
  entries: RawEntry[] = feed.entries,
): Item[] {
  const base = feed.link ? safeResolve(feed.link, feedUrl) : isHttpUrl(feedUrl) ? feedUrl : null;
  return entries.map((e) =>
    buildItem(
      {
        sourceId: source.id,
        guid: e.guid,
        link: e.link,
        title: e.title,
        html: e.bodyIsHtml ? e.body : null,
        text: e.bodyIsHtml ? null : e.body,
        date: e.date,
        feedDate: feed.date,
        outlet: entryOutlet(e, source, feed),
        categories: e.categories,
        base,
      },
      now,
      zone,
    ),
  );
}

function safeResolve(link: string, base: string): string | null {
  try {
    const u = isHttpUrl(base) ? new URL(link, base) : new URL(link);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}
