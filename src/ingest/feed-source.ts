/**
 * One feed source, read but not yet stored: the URL in force (the configured
 * one, or where a permanent redirect moved it, until the config changes it),
 * fetch, decode, parse, and build items. Storing happens in index.ts, in
 * config order, so that runs are deterministic whatever the network does.
 */
import type { Config, SourceConfig } from '../config/schema.ts';
import type { SourceState } from '../store/sources.ts';
import type { Item } from '../types.ts';
import { decodeFeed } from './charset.ts';
import { parseFeed, type ParsedFeed, type RawEntry } from './feed.ts';
import { fetchFeed, isHttpUrl } from './fetch.ts';
import { buildItem } from './item.ts';

/** A feed source as configured. */
export type FeedSourceConfig = Extract<SourceConfig, { type: 'rss' }>;

/** The stored state that applies to a source under its current configuration. */
export interface EffectiveState {
  /** The URL to fetch. */
  url: string;
  etag: string | null;
  lastModified: string | null;
  /** Why the source is disabled (410 Gone), if it is. */
  disabledReason: string | null;
}

/**
 * What applies of the stored state: all of it while the configured URL is
 * the one it was recorded for; nothing once the config names another URL (a
 * new URL resets a redirect, the validators and a 410).
 */
export function effectiveState(source: FeedSourceConfig, state: SourceState | undefined): EffectiveState {
  const recordedFor = state?.configuredUrl ?? state?.url ?? null;
  if (!state || recordedFor !== source.url) return { url: source.url, etag: null, lastModified: null, disabledReason: null };
  return {
    url: state.url ?? source.url,
    etag: state.etag,
    lastModified: state.lastModified,
    disabledReason: state.disabled ? (state.disabledReason ?? 'disabled') : null,
  };
}

/** What reading a feed source produced. */
export type FeedRead =
  | { kind: 'disabled'; reason: string }
  | { kind: 'gone'; url: string }
  | { kind: 'not-modified'; url: string }
  | {
      kind: 'items';
      items: Item[];
      /** Entries not built because their guid is stored already (duplicates). */
      known: number;
      /** Entries with nothing to show (no title, link or body). */
      skipped: number;
      /** The URL to remember (moved by permanent redirects). */
      url: string;
      etag: string | null;
      lastModified: string | null;
      charset: string;
    };

/**
 * An entry's outlet (来源): the outlet it names itself, else an author that
 * is a Chinese news medium (`人民日报`, `新华社`, `澎湃新闻` — aggregator feeds
 * put the outlet there), else the source's configured name, else the feed title.
 */
export function entryOutlet(entry: RawEntry, source: FeedSourceConfig, feed: ParsedFeed): string | null {
  // (RDF's dc:source is often a URL, which is no outlet name.)
  if (entry.source && !/^[a-z][a-z0-9+.-]*:\/\//i.test(entry.source)) return entry.source;
  if (entry.author && /^[\p{Script=Han}·《》]{2,20}(报|网|社|台|刊|杂志|新闻|在线|客户端|发布|广播|频道|资讯|财经)$/u.test(entry.author)) return entry.author;
  return source.name ?? feed.title;
}

/** Items from parsed feed entries. `feedUrl` resolves relative links when the feed names no site. */
export function feedItems(feed: ParsedFeed, source: FeedSourceConfig, feedUrl: string, now: string, zone: string, entries: RawEntry[] = feed.entries): Item[] {
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

/**
 * Fetch, decode, parse and build the items of one feed source. Entries whose
 * guid `isKnown` are not built at all (a feed without validators is
 * downloaded whole every run, and most of it is old). Throws with the reason
 * on failure.
 */
export async function readFeedSource(
  source: FeedSourceConfig,
  state: EffectiveState,
  config: Config,
  now: string,
  isKnown: (guid: string) => boolean = () => false,
): Promise<FeedRead> {
  if (state.disabledReason) return { kind: 'disabled', reason: state.disabledReason };
  const result = await fetchFeed(state.url, { ...config.ingest, etag: state.etag, lastModified: state.lastModified });
  if (result.kind === 'gone') return { kind: 'gone', url: result.url };
  if (result.kind === 'not-modified') return { kind: 'not-modified', url: result.permanentRedirect ?? state.url };
  const { text, charset } = decodeFeed(result.bytes, result.contentType);
  const feed = await parseFeed(text);
  if (feed.entries.length === 0 && feed.skipped > 0) {
    throw new Error(`the feed has ${feed.skipped} entr${feed.skipped === 1 ? 'y' : 'ies'}, none with a title, link or content`);
  }
  const fresh = feed.entries.filter((e) => !e.guid || !isKnown(e.guid.trim()));
  return {
    kind: 'items',
    items: feedItems(feed, source, result.url, now, config.publication.timezone, fresh),
    known: feed.entries.length - fresh.length,
    skipped: feed.skipped,
    url: result.permanentRedirect ?? state.url,
    etag: result.etag,
    lastModified: result.lastModified,
    charset,
  };
}
