/**
 * Parsing feed text (RSS 0.9x/2.0, RSS 1.0/RDF, Atom) into raw entries with
 * rss-parser's `parseString`. Fetching and decoding happen before this.
 */
import Parser from 'rss-parser';

/** One entry as the feed gives it, before normalization. */
export interface RawEntry {
  guid: string | null;
  link: string | null;
  title: string;
  /** HTML content if the feed has any (content:encoded, Atom content, description). */
  html: string;
  /** Plain-text snippet the feed gives, if any. */
  snippet: string;
  date: string | null;
  author: string | null;
  categories: string[];
}

/** Feed-level metadata and entries. */
export interface ParsedFeed {
  title: string | null;
  entries: RawEntry[];
}

type Extra = { 'content:encoded'?: string; 'dc:date'?: string; 'dc:creator'?: string; source?: string };

const parser: Parser<Record<string, unknown>, Extra> = new Parser({
  customFields: { item: ['content:encoded', 'dc:date', 'dc:creator', 'source'] },
  xml2js: { strict: true },
});

function asString(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && '_' in v && typeof (v as { _: unknown })._ === 'string') return (v as { _: string })._;
  return null;
}

/**
 * Parse feed text. Rejects, with the parser's message, text that is not a
 * feed; the caller names the source.
 */
export async function parseFeed(text: string): Promise<ParsedFeed> {
  // A DOCTYPE with internal entities is the "billion laughs" vector; feeds never need it.
  if (/<!DOCTYPE[^>]*\[/i.test(text.slice(0, 4096)) || /<!ENTITY/i.test(text.slice(0, 65536))) {
    throw new Error('the document declares XML entities (DOCTYPE/ENTITY), which feeds never need; refusing to expand them');
  }
  const feed = await parser.parseString(text);
  if (!feed || !Array.isArray(feed.items)) throw new Error('not an RSS, RDF or Atom feed');
  const entries = feed.items.map((it): RawEntry => {
    const html = asString(it['content:encoded']) ?? asString(it.content) ?? '';
    return {
      guid: asString(it.guid) ?? asString((it as { id?: unknown }).id) ?? null,
      link: asString(it.link),
      title: asString(it.title) ?? '',
      html,
      snippet: asString(it.contentSnippet) ?? asString(it.summary) ?? '',
      date: asString(it.pubDate) ?? asString(it['dc:date']) ?? asString(it.isoDate) ?? null,
      author: asString(it.creator) ?? asString(it['dc:creator']) ?? asString((it as { author?: unknown }).author) ?? null,
      categories: (it.categories ?? []).map((c) => asString(c)).filter((c): c is string => !!c),
    };
  });
  return { title: feed.title ?? null, entries };
}
