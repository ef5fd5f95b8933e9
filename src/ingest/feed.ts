/**
 * Parsing feed text (RSS 0.9x/2.0, RSS 1.0/RDF, Atom) into raw entries with
 * rss-parser's `parseString`. Fetching and decoding happen before this.
 *
 * Around rss-parser: documents that are not feeds (HTML pages, plain text,
 * entity bombs) are recognized first and rejected with a message that says
 * what they are; bare `&` and HTML-only named entities, which real feeds are
 * full of and which a strict XML parser rejects, are escaped; `<rss>` without
 * a version is read as RSS 2.0; and Atom dates are taken raw, because
 * rss-parser's `new Date(…).toISOString()` throws on the first date it cannot
 * read and loses the whole feed (dates are parsed with luxon in item.ts).
 */
import Parser from 'rss-parser';

/** One entry as the feed gives it, before normalization. */
export interface RawEntry {
  guid: string | null;
  link: string | null;
  title: string;
  /** Body as the feed gives it: HTML (content:encoded, Atom content, description) or plain text. */
  body: string;
  /** Whether `body` is HTML (else plain text with line breaks). */
  bodyIsHtml: boolean;
  /** The date as written (published, else updated/dc:date). */
  date: string | null;
  author: string | null;
  /** The outlet the entry names itself (RSS `<source>`, Atom `<source><title>`). */
  source: string | null;
  categories: string[];
}

/** Feed-level metadata and entries. */
export interface ParsedFeed {
  format: 'rss' | 'rdf' | 'atom';
  title: string | null;
  /** The site the feed belongs to (resolves relative entry links). */
  link: string | null;
  /** The feed's own date (lastBuildDate/pubDate/updated), as written. */
  date: string | null;
  entries: RawEntry[];
  /** Entries dropped because they carry nothing to show (no title, link or body). */
  skipped: number;
}

type XmlNode = Record<string, unknown> & { $?: Record<string, string>; _?: string };
type ItemExtra = Record<string, unknown>;

interface ParserInternals {
  parseItemAtom(this: unknown, entry: XmlNode): ItemExtra;
}
const baseParseItemAtom = (Parser.prototype as unknown as ParserInternals).parseItemAtom;

/** Text of an xml2js value: a string, `{ _: text }`, or the first of an array. */
function text(v: unknown): string | null {
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === 'string') return v.trim() || null;
  if (v && typeof v === 'object' && '_' in v && typeof (v as { _: unknown })._ === 'string') return (v as { _: string })._.trim() || null;
  return null;
}

/** rss-parser with Atom entries that survive dates it cannot read and keep `<source>` and categories. */
class FeedParser extends Parser<ItemExtra, ItemExtra> {
  parseItemAtom(entry: XmlNode): ItemExtra {
    const { published, updated, ...rest } = entry;
    const item = baseParseItemAtom.call(this, rest);
    const source = Array.isArray(entry.source) ? (entry.source[0] as XmlNode | undefined) : undefined;
    const categories = (Array.isArray(entry.category) ? (entry.category as XmlNode[]) : []).map((c) => c.$?.term ?? text(c)).filter(Boolean);
    return { ...item, published: text(published), updated: text(updated), sourceTitle: text(source?.title), categories };
  }
}

const parser = new FeedParser({
  customFields: {
    feed: ['updated', 'dc:date'] as never[],
    item: ['content:encoded', 'dc:date', 'dc:creator', 'source'],
  },
  xml2js: { strict: true },
  defaultRSS: 2,
});

/** A named or numeric reference XML itself defines; any other `&` must be escaped. */
const UNESCAPED_AMP = /&(?!(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});)/g;

/**
 * Escape bare `&` and HTML named entities (`&nbsp;`, `&eacute;`) outside
 * CDATA sections, so a strict parser accepts them. Inside text they become
 * literal `&name;`, which the HTML sanitizer and title cleanup decode.
 */
function escapeStrayAmpersands(xml: string): string {
  if (!/&(?!(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});)/.test(xml)) return xml;
  return xml
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part : part.replace(UNESCAPED_AMP, '&amp;')))
    .join('');
}

/** Say what a document that is not a feed is, and where its feed might be. */
function notAFeed(head: string): Error | null {
  const start = head.replace(/^\s+/, '');
  if (!start) return new Error('the document is empty');
  if (!start.startsWith('<')) {
    return new Error(`not XML: the document begins with "${start.slice(0, 40).replace(/\s+/g, ' ')}", not with a tag`);
  }
  const root = /^(?:<\?[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*|<!DOCTYPE[^>[]*>\s*)*<([A-Za-z][\w:.-]*)/i.exec(start)?.[1];
  if (!root) return null;
  const name = root.toLowerCase();
  if (['rss', 'rdf:rdf', 'feed', 'rdf'].includes(name)) return null;
  if (['html', 'head', 'body'].includes(name) || /^<!DOCTYPE\s+html/i.test(start)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(head)?.[1]?.trim();
    const alternate = /<link\b[^>]*type=["']application\/(?:rss|atom)\+xml["'][^>]*>/i.exec(head)?.[0];
    const href = alternate && /href=["']([^"']+)["']/i.exec(alternate)?.[1];
    return new Error(
      `not a feed: the URL returned an HTML page${title ? ` ("${title}")` : ''}` +
        (href ? `; the page names its feed at ${href} — use that URL` : '; check the source URL'),
    );
  }
  return new Error(`not a feed: the root element is <${root}>, not <rss>, <rdf:RDF> or <feed>`);
}

/** A parser error with the line and column counted from 1. */
function xmlError(err: Error): Error {
  const m = /^([^\n]+)\nLine: (\d+)\nColumn: (\d+)/.exec(err.message);
  if (m) return new Error(`malformed XML at line ${Number(m[2]) + 1}, column ${Number(m[3]) + 1}: ${m[1]}`);
  if (err instanceof TypeError) return new Error(`malformed feed: a required element is missing (${err.message})`);
  return err;
}

function isHtml(s: string): boolean {
  return /<\/?[a-z][a-z0-9]*(\s[^>]*)?\/?>/i.test(s) || /&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i.test(s);
}

function toEntry(it: ItemExtra & Parser.Item): RawEntry {
  const body = text(it['content:encoded']) ?? text(it.content) ?? text(it.summary) ?? text(it.description) ?? '';
  const categories = (Array.isArray(it.categories) ? it.categories : [])
    .map((c: unknown) => text(c) ?? (c && typeof c === 'object' && '$' in c ? ((c as XmlNode).$?.term ?? null) : null))
    .filter((c): c is string => !!c);
  return {
    guid: text(it.guid) ?? text(it.id) ?? text(it['rdf:about']) ?? null,
    link: text(it.link),
    title: text(it.title) ?? '',
    body,
    bodyIsHtml: isHtml(body),
    date: text(it.published) ?? text(it.pubDate) ?? text(it['dc:date']) ?? text(it.date) ?? text(it.updated) ?? null,
    author: text(it.creator) ?? text(it['dc:creator']) ?? text(it.author) ?? null,
    source: text(it.source) ?? text(it.sourceTitle) ?? null,
    categories,
  };
}

/**
 * Parse feed text. Rejects, with a message naming what is wrong (and where,
 * for malformed XML), text that is not a feed; the caller names the source.
 */
export async function parseFeed(xml: string): Promise<ParsedFeed> {
  const head = xml.slice(0, 65536);
  // A DOCTYPE with internal entities is the "billion laughs" vector; feeds never need it.
  if (/<!DOCTYPE[^>[]*\[/i.test(head) || /<!ENTITY/i.test(head)) {
    throw new Error('the document declares XML entities (DOCTYPE/ENTITY), which feeds never need; refusing to expand them');
  }
  const rejected = notAFeed(head);
  if (rejected) throw rejected;
  let feed: Parser.Output<ItemExtra> & ItemExtra;
  try {
    feed = await parser.parseString(escapeStrayAmpersands(xml));
  } catch (err) {
    throw xmlError(err as Error);
  }
  if (!feed || !Array.isArray(feed.items)) throw new Error('not an RSS, RDF or Atom feed');
  const format = /^\s*(?:<\?[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*)*<feed\b/.test(head) ? 'atom' : /<rdf:RDF\b/i.test(head.slice(0, 2048)) ? 'rdf' : 'rss';
  const all = feed.items.map(toEntry);
  const entries = all.filter((e) => e.title || e.link || e.body);
  return {
    format,
    title: text(feed.title),
    link: text(feed.link),
    date: text(feed.lastBuildDate) ?? text(feed.pubDate) ?? text(feed.updated) ?? text(feed['dc:date']) ?? null,
    entries,
    skipped: all.length - entries.length,
  };
}
