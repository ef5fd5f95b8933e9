/**
 * Turning raw entries (from feeds or editor files) into normalized Items:
 * sanitized HTML, joined hard breaks, issuer split, attachments, canonical
 * link, parsed date, fingerprint and stable id.
 */
import { bookText } from '../render/index.ts';
import type { Book, Item } from '../types.ts';
import { parseDate } from './dates.ts';
import {
  canonicalLink,
  decodeEntities,
  extractAttachments,
  fingerprint,
  htmlToText,
  joinHardBreaks,
  repairHtml,
  splitIssuer,
  stableId,
  textToHtml,
} from './normalize/index.ts';
import { escapeHtml } from '../util/html.ts';
import { htmlToPlain, markdownToHtml } from './markdown.ts';
import { sanitize } from './sanitize.ts';

/** What any source provides for one item. */
export interface EntryInput {
  sourceId: string;
  guid?: string | null;
  link?: string | null;
  title: string;
  /** Untrusted HTML body, or null when only text is given. */
  html?: string | null;
  /** Plain-text body (used when there is no HTML). */
  text?: string | null;
  date?: string | null;
  outlet?: string | null;
  issuer?: string | null;
  attachments?: string[];
  section?: string | null;
  categories?: string[];
  /** Where relative links resolve from (the feed's site, else its URL). */
  base?: string | null;
  /**
   * The feed's own date, for entries without one: a feed last built at T
   * published its entries no later than T, a tighter bound than first-seen.
   */
  feedDate?: string | null;
  /**
   * `text` is editor Markdown. `wrapped`: the seed's plain layout, whose hard
   * line breaks are joined first; `document`: a `.md` file, whose lines are
   * Markdown's own (lists, paragraphs).
   */
  markdown?: 'wrapped' | 'document';
  /** A 图书推荐 book entry: its fields (the text is made from them). */
  book?: Book;
}

/** Dates further ahead than this are taken as wrong (a clock or a typo) and ignored. */
const MAX_FUTURE_MS = 36 * 3600_000;

function itemDate(input: EntryInput, now: string, zone: string): string | null {
  const limit = Date.parse(now) + MAX_FUTURE_MS;
  const plausible = (iso: string | null) => (iso && Date.parse(iso) <= limit ? iso : null);
  return plausible(parseDate(input.date, zone)) ?? (input.date ? null : plausible(parseDate(input.feedDate, zone)));
}

/** A headline for an entry without one: the start of its text, else its link. */
function fallbackTitle(text: string, link: string | null): string {
  const first = text.split(/\n/)[0]?.trim() ?? '';
  if (first) {
    const sentence = /^(.{4,40}?[。！？.!?])/u.exec(first)?.[1] ?? first;
    return [...sentence].length > 40 ? `${[...sentence].slice(0, 40).join('')}…` : sentence;
  }
  return link ?? '(无标题)';
}

/** Build a normalized Item. `now` is the first-seen time; `zone` reads dates without offset. */
export function buildItem(input: EntryInput, now: string, zone: string): Item {
  if (input.book) return buildBook(input, input.book, now);
  const link = canonicalLink(input.link, input.base);
  // A title with markup is HTML (read once, references included); otherwise text that may hold references.
  const rawTitle = (/<[a-z/][^>]*>/i.test(input.title) ? htmlToText(input.title) : decodeEntities(input.title)).trim();
  const safeHtml = input.html ? sanitize(input.html, link ?? input.base ?? null) : '';
  const rawText = input.text ?? (safeHtml ? htmlToText(safeHtml) : '');
  const joined = input.markdown === 'document' ? rawText.replace(/\r\n?/g, '\n').trim() : joinHardBreaks(rawText);
  const { text: extracted, attachments: found } = extractAttachments(joined);
  // Markdown: the HTML comes from the parser (then the sanitizer), the text from that HTML.
  const mdHtml = input.markdown && extracted ? markdownToHtml(extracted, link ?? input.base ?? null) : '';
  const text = mdHtml ? joinHardBreaks(htmlToPlain(mdHtml)) : extracted;
  const { issuer: splitOff, headline } = splitIssuer(rawTitle || fallbackTitle(text, link));
  const issuer = input.issuer?.trim() || splitOff;
  const attachments = [...new Set([...(input.attachments ?? []), ...found])];
  // With only text, the HTML is built from the text (escaped); with HTML, keep its markup.
  const html = mdHtml || (safeHtml && !input.text ? repairHtml(safeHtml) : textToHtml(text));
  const fp = fingerprint(headline, text);
  const guid = input.guid?.trim() || null;
  return {
    id: stableId(input.sourceId, guid ?? link ?? fp),
    sourceId: input.sourceId,
    guid,
    link,
    title: headline,
    issuer,
    outlet: input.outlet?.trim() || null,
    publishedAt: itemDate(input, now, zone),
    firstSeenAt: now,
    text,
    html: html || `<p>${escapeHtml(headline)}</p>`,
    attachments,
    fingerprint: fp,
    otherOutlets: [],
    pinnedSection: input.section?.trim() || null,
    categories: input.categories ?? [],
  };
}

/**
 * A book entry as an item: the book title as headline, no issuer or outlet,
 * no publication date (the book's 出版日期 is not when the news broke, so the
 * entry is selected by when it was first seen), the seed layout as text.
 */
function buildBook(input: EntryInput, book: Book, now: string): Item {
  const link = canonicalLink(input.link, input.base);
  const text = bookText(book);
  const fp = fingerprint(book.title, text);
  const guid = input.guid?.trim() || null;
  return {
    id: stableId(input.sourceId, guid ?? link ?? fp),
    sourceId: input.sourceId,
    guid,
    link,
    title: book.title,
    issuer: null,
    outlet: null,
    publishedAt: null,
    firstSeenAt: now,
    text,
    html: textToHtml(text),
    attachments: [],
    fingerprint: fp,
    otherOutlets: [],
    pinnedSection: input.section?.trim() || null,
    categories: input.categories ?? [],
  };
}
