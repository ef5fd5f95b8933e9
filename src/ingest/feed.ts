/**
 * Parsing feed text (RSS 0.9x/2.0, RSS 1.0/RDF, Atom) into raw entries, on
 * the element tree of xml.ts. Fetching and decoding happen before this.
 *
 * Documents that are not feeds (HTML pages, plain text, entity bombs) are
 * recognized first and rejected with a message that says what they are; bare
 * `&` and HTML-only named entities, which real feeds are full of and which a
 * strict XML parser rejects, are escaped; `<rss>` without a version is read
 * as RSS 2.0; dates are kept as written (dates.ts reads them). A body that
 * holds markup rather than escaped HTML (Atom `type="xhtml"`, unescaped HTML
 * in RSS) is kept as that markup.
 *
 * (This replaced rss-parser + xml2js, which cost 3× the parse time and built
 * fields digest never reads; the field choices are the same.)
 */
import { child, childrenNamed, content, deepText, ownText, parseXml, type XmlElement } from './xml.ts';

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
  return notAFeedRoot(root);
}

function notAFeedRoot(root: string): Error {
  return new Error(`not a feed: the root element is <${root}>, not <rss>, <rdf:RDF> or <feed>`);
}

function isHtml(s: string): boolean {
  return /<\/?[a-z][a-z0-9]*(\s[^>]*)?\/?>/i.test(s) || /&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i.test(s);
}

/** The headline of an entry or feed: its text, or the text inside its markup (Atom `type="xhtml"`). */
function titleOf(element: XmlElement | undefined): string | null {
  return ownText(element) ?? deepText(element);
}

/** The href of an Atom element's `rel="alternate"` link (a link without rel is one), else of its first link. */
function atomLink(element: XmlElement): string | null {
  const links = childrenNamed(element, 'link');
  const alternate = links.find((l) => (l.attrs.rel ?? 'alternate') === 'alternate') ?? links[0];
  return alternate?.attrs.href?.trim() || null;
}

function withBody(entry: Omit<RawEntry, 'bodyIsHtml'>): RawEntry {
  return { ...entry, bodyIsHtml: isHtml(entry.body) };
}

/** An RSS 0.9x/2.0 `<item>` or RSS 1.0 (RDF) `<item>`. */
function rssEntry(item: XmlElement): RawEntry {
  const text = (name: string) => ownText(child(item, name));
  return withBody({
    guid: text('guid') ?? item.attrs['rdf:about']?.trim() ?? null,
    link: text('link'),
    title: titleOf(child(item, 'title')) ?? text('dc:title') ?? '',
    body: content(child(item, 'content:encoded')) ?? content(child(item, 'description')) ?? content(child(item, 'summary')) ?? '',
    date: text('pubDate') ?? text('dc:date'),
    author: text('dc:creator') ?? text('author'),
    source: text('source') ?? text('dc:source'),
    categories: childrenNamed(item, 'category')
      .map((c) => ownText(c) ?? c.attrs.term ?? null)
      .filter((c): c is string => !!c),
  });
}

/** An Atom `<entry>`. */
function atomEntry(entry: XmlElement): RawEntry {
  const text = (name: string) => ownText(child(entry, name));
  const source = child(entry, 'source');
  return withBody({
    guid: text('id'),
    link: atomLink(entry),
    title: titleOf(child(entry, 'title')) ?? '',
    body: content(child(entry, 'content:encoded')) ?? content(child(entry, 'content')) ?? content(child(entry, 'summary')) ?? '',
    date: text('published') ?? text('dc:date') ?? text('updated'),
    author: text('dc:creator') ?? ownText(child(child(entry, 'author'), 'name')),
    source: ownText(source) ?? ownText(child(source, 'title')),
    categories: childrenNamed(entry, 'category')
      .map((c) => c.attrs.term ?? ownText(c))
      .filter((c): c is string => !!c),
  });
}

/** The feed-level fields and entries of a parsed document. */
function readFeed(root: XmlElement): Omit<ParsedFeed, 'entries' | 'skipped'> & { all: RawEntry[] } {
  const name = root.name.toLowerCase();
  if (name === 'feed') {
    return {
      format: 'atom',
      title: titleOf(child(root, 'title')),
      link: atomLink(root),
      date: ownText(child(root, 'updated')) ?? ownText(child(root, 'dc:date')),
      all: childrenNamed(root, 'entry').map(atomEntry),
    };
  }
  const rdf = name === 'rdf:rdf' || name === 'rdf';
  if (!rdf && name !== 'rss') throw notAFeedRoot(root.name);
  const channel = child(root, 'channel');
  if (!channel && !rdf) throw new Error('malformed feed: <rss> has no <channel>');
  const text = (n: string) => ownText(child(channel, n));
  return {
    format: rdf ? 'rdf' : 'rss',
    title: titleOf(child(channel, 'title')) ?? text('dc:title'),
    link: text('link'),
    date: text('lastBuildDate') ?? text('pubDate') ?? text('updated') ?? text('dc:date'),
    // RSS 1.0 puts its items beside the channel, RSS 0.9x/2.0 inside it.
    all: childrenNamed(rdf ? root : channel!, 'item').map(rssEntry),
  };
}

/**
 * Parse feed text. Rejects, with a message naming what is wrong (and where,
 * for malformed XML), text that is not a feed; the caller names the source.
 */
export function parseFeed(xml: string): ParsedFeed {
  const head = xml.slice(0, 65536);
  // A DOCTYPE with internal entities is the "billion laughs" vector; feeds never need it.
  if (/<!DOCTYPE[^>[]*\[/i.test(head) || /<!ENTITY/i.test(head)) {
    throw new Error('the document declares XML entities (DOCTYPE/ENTITY), which feeds never need; refusing to expand them');
  }
  const rejected = notAFeed(head);
  if (rejected) throw rejected;
  const { all, ...feed } = readFeed(parseXml(escapeStrayAmpersands(xml)));
  const entries = all.filter((e) => e.title || e.link || e.body);
  return { ...feed, entries, skipped: all.length - entries.length };
}
