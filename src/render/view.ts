/**
 * The view model (pure): everything the templates show, computed once from an
 * Issue and the publication settings. Templates never compute; they print.
 */
import { DateTime } from 'luxon';
import type { Book, Issue, IssueItem } from '../types.ts';
import { bookHtml, parseBookText } from './book.ts';
import { chineseNumeral, numberingLine } from './numerals.ts';
import { isWide } from './text.ts';

/** Per-recipient tokens; filled after MJML by personalize.ts. */
export const TOKENS = {
  unsubscribeUrl: '%%DIGEST_UNSUBSCRIBE_URL%%',
  greetingName: '%%DIGEST_GREETING_NAME%%',
  preferencesUrl: '%%DIGEST_PREFERENCES_URL%%',
} as const;

/** Publication settings the templates show. */
export interface PublicationView {
  title: string;
  /** Subject template (default `{{title}}｜{{lead}}`); see subjectLine. */
  subject?: string;
  description: string;
  baseUrl: string;
  timezone: string;
  editorialUnit: string;
  contacts: { label: string; value: string }[];
  editors: { role: string; names: string[] }[];
}

/** One item as the templates see it. */
export interface ItemView {
  anchor: string;
  position: number;
  headline: string;
  issuer: string | null;
  /** `发布机构：标题`, as the seed prints it. */
  fullTitle: string;
  outlet: string | null;
  date: string | null;
  /** The line under the title: `新京报　2024-06-19（另见：人民网、新华社）`; null when nothing is known. */
  meta: string | null;
  /** Email summary, cut at a sentence end. */
  summary: string;
  truncated: boolean;
  paragraphs: string[];
  /** Sanitized HTML of the full body (web version). */
  html: string;
  attachments: string[];
  /** Link to the original; only http(s) links survive. */
  link: string | null;
  webLink: string;
  otherOutlets: string[];
  reason: string;
  /** The email ran out of room: it lists this item in its table of contents only, linking to the web version. */
  brief: boolean;
  /** The email shows less than the whole text, so it links to the web version. */
  readMore: boolean;
  /** Where the email's table of contents points: the item in the email, or (brief) on the web. */
  tocHref: string;
  /** A 图书推荐 book entry: its fields for the book card (null for news). */
  book: (Book & { byline: string }) | null;
}

/** One section as the templates see it. */
export interface SectionView {
  id: string;
  anchor: string;
  title: string;
  /** 一、二、… */
  numeral: string;
  items: ItemView[];
  /** Items of this section the email lists only in its table of contents. */
  briefCount: number;
  /** This section in the web version. */
  webLink: string;
  /** `1–10`: the item numbers of this section, as the contents show them. */
  range: string;
}

/** The whole view model of an issue. */
export interface IssueView {
  publication: PublicationView;
  date: string;
  numbering: string;
  /** 本期刊物信息搜集时间: `2024.06.16-2024.07.15`. */
  window: string;
  /** 本期要点: the lead item of each of the first sections (3–5 items), news only. */
  lead: ItemView[];
  subject: string;
  preheader: string;
  webUrl: string;
  archiveUrl: string;
  sections: SectionView[];
  itemCount: number;
  /** How many items the email shows as headlines only (0 when everything fits). */
  briefCount: number;
  tokens: typeof TOKENS;
}

// A sentence ends at 。！？ (or their ASCII forms), with any closing quotes or brackets after it.
const SENTENCE_END = /[。！？!?]+[”’」』）)"]*/gu;
// Fallback when no sentence ends early enough: a clause boundary.
const CLAUSE_END = /[；;，,、：:]/gu;
// A cut shorter than this share of `max` reads as broken; a later boundary or a hard cut is better.
const MIN_SHARE = 0.3;
const ELLIPSIS = '……';

/**
 * Paragraphs joined into one line: no space between two CJK paragraphs
 * (Chinese never puts spaces between sentences), one space otherwise.
 */
export function flattenParagraphs(text: string): string {
  const parts = text.split(/\s*\n\s*/).filter(Boolean);
  // Pieces are joined once at the end, and the character before each piece is read from the
  // previous part: reading the end of a string still being appended to makes V8 flatten it
  // every time, which made a 1 MB body take a minute (issue 15).
  const out: string[] = [];
  let previous = '';
  for (const p of parts) {
    out.push(!previous || isWide(previous.at(-1)!) || isWide(p[0]!) ? p : ` ${p}`);
    previous = p;
  }
  return out.join('').trim();
}

function lastBoundary(text: string, re: RegExp, max: number, includeMatch: boolean): number {
  let cut = -1;
  for (const m of text.matchAll(re)) {
    const end = includeMatch ? m.index + m[0].length : m.index;
    if (end > max) break;
    cut = end;
  }
  return cut;
}

/**
 * Cut text at the last sentence end (。！？) at or before `max` characters.
 * When the first sentence is too long, cut at the last clause boundary
 * (；，、：) and add an ellipsis (……); failing that, cut hard (never inside a
 * Latin word when a space is near). The result never exceeds `max`.
 */
export function cutAtSentence(text: string, max: number): { text: string; truncated: boolean } {
  const flat = flattenParagraphs(text);
  if (flat.length <= max) return { text: flat, truncated: false };
  const sentence = lastBoundary(flat, SENTENCE_END, max, true);
  if (sentence >= max * MIN_SHARE) return { text: flat.slice(0, sentence), truncated: true };
  // The ellipsis counts towards `max`.
  const room = max - ELLIPSIS.length;
  const clause = lastBoundary(flat, CLAUSE_END, room, false);
  if (clause >= max * MIN_SHARE) return { text: flat.slice(0, clause) + ELLIPSIS, truncated: true };
  let hard = flat.slice(0, room);
  const partialWord = /[A-Za-z0-9]+$/.exec(hard);
  if (partialWord && /[A-Za-z0-9]/.test(flat[room] ?? '') && partialWord.index > max * MIN_SHARE) hard = hard.slice(0, partialWord.index);
  return { text: hard.trimEnd() + ELLIPSIS, truncated: true };
}

/** Only http(s) links reach an email or page; anything else (javascript:, data:) is dropped. */
export function safeLink(link: string | null): string | null {
  return link && /^https?:\/\/[^\s"<>]+$/i.test(link) ? link : null;
}

/**
 * Images in feed HTML often lack alt text; screen readers then read the file
 * name. An empty alt marks them decorative (we cannot know what they show);
 * lazy loading keeps long web pages light.
 */
export function withAltText(html: string): string {
  return html.replace(/<img\b(?![^>]*\salt=)/gi, '<img alt=""').replace(/<img\b(?![^>]*\sloading=)/gi, '<img loading="lazy"');
}

function day(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd');
}

function itemView(item: IssueItem, zone: string, summaryChars: number, webUrl: string, brief: boolean): ItemView {
  const anchor = `item-${item.webPosition ?? item.position}`;
  const { text: summary, truncated } = cutAtSentence(item.text, summaryChars);
  const date = item.publishedAt ? day(item.publishedAt, zone) : null;
  const otherOutlets = item.otherOutlets.map((o) => o.outlet ?? o.sourceId);
  const book = bookView(item.text);
  const meta = [item.outlet, date].filter(Boolean).join('　') + (otherOutlets.length ? `（另见：${otherOutlets.join('、')}）` : '');
  return {
    anchor,
    position: item.position,
    headline: item.title,
    issuer: item.issuer,
    fullTitle: item.issuer ? `${item.issuer}：${item.title}` : item.title,
    outlet: item.outlet,
    date,
    meta: meta || null,
    summary,
    truncated,
    paragraphs: item.text
      .split(/\n{2,}/)
      .map((p) => p.trim())
      .filter(Boolean),
    html: book ? bookHtml(book, book.byline) : withAltText(item.html),
    attachments: item.attachments,
    link: safeLink(item.link),
    webLink: `${webUrl}#${anchor}`,
    otherOutlets,
    reason: item.reason,
    brief,
    readMore: brief || truncated,
    tocHref: brief ? `${webUrl}#${anchor}` : `#${anchor}`,
    book,
  };
}

/** The book card's fields, with `著者 著 · 出版社 · 出版日期` as one line. */
function bookView(text: string): ItemView['book'] {
  const book = parseBookText(text);
  if (!book) return null;
  const byline = [book.author ? `${book.author} 著` : null, book.publisher, book.date].filter(Boolean).join(' · ');
  return { ...book, byline };
}

/** How much of the issue the email shows; see fit.ts. */
export interface EmailShape {
  /** Email summaries are cut near this many characters. */
  summaryChars: number;
  /** Items from this position on are listed in the table of contents only (Infinity: none). */
  briefFrom: number;
}

// Inbox previews show roughly this many characters; whole headlines read better than a cut one.
const PREHEADER_CHARS = 110;
// Gmail cuts subjects about here (characters; a CJK character counts one).
const SUBJECT_CHARS = 60;

/**
 * The subject from its template: `{{title}}｜{{lead}}` by default, the news
 * in the inbox line. Cut at SUBJECT_CHARS with an ellipsis on the headline.
 */
export function subjectLine(template: string, fields: { title: string; lead: string; numbering: string; date: string }): string {
  const fill = (lead: string) =>
    template.replace(/\{\{\s*(title|lead|numbering|date)\s*\}\}/g, (_m, k: keyof typeof fields) => (k === 'lead' ? lead : fields[k]));
  const full = fill(fields.lead);
  if ([...full].length <= SUBJECT_CHARS) return full;
  const room = SUBJECT_CHARS - ([...fill('')].length + 1);
  return room > 8 ? fill(`${[...fields.lead].slice(0, room).join('')}…`) : [...full].slice(0, SUBJECT_CHARS).join('');
}

/**
 * The preheader complements the subject (which carries the lead headline):
 * how much is in the issue, then the lead headlines of the other sections,
 * as many as fit. An empty issue says so instead of "本期0条：".
 */
function preheader(itemCount: number, sections: SectionView[]): string {
  if (!itemCount) return '本期暂无新条目。';
  const counts = sections.map((s) => `${s.title}${s.items.length}`).join(' ');
  let out = `本期${itemCount}条（${counts}）`;
  for (const [i, s] of sections.slice(1).entries()) {
    const next = (i ? '；' : '：') + s.items[0]!.fullTitle;
    if (out.length + next.length > PREHEADER_CHARS) break;
    out += next;
  }
  return out;
}

/** Build the view model of an issue. `summaryChars` alone means: everything in full. */
export function issueView(issue: Issue, publication: PublicationView, shape: EmailShape | number): IssueView {
  const { summaryChars, briefFrom } = typeof shape === 'number' ? { summaryChars: shape, briefFrom: Infinity } : shape;
  const zone = publication.timezone;
  const base = publication.baseUrl.endsWith('/') ? publication.baseUrl : `${publication.baseUrl}/`;
  const webUrl = `${base}issues/${issue.date}/`;
  const sections = issue.sections
    .filter((s) => s.items.length)
    .map((s, i): SectionView => {
      const items = s.items.map((item) => itemView(item, zone, summaryChars, webUrl, item.position >= briefFrom));
      const anchor = `section-${s.id}`;
      return {
        id: s.id,
        anchor,
        title: s.title,
        numeral: chineseNumeral(i + 1),
        items,
        briefCount: items.filter((item) => item.brief).length,
        webLink: `${webUrl}#${anchor}`,
        range: items.length > 1 ? `${items[0]!.position}–${items.at(-1)!.position}` : `${items[0]!.position}`,
      };
    });
  const fmt = (iso: string) => DateTime.fromISO(iso, { zone }).toFormat('yyyy.MM.dd');
  const numbering = numberingLine(issue.numbering.year, issue.numbering.number, issue.numbering.totalNumber);
  const itemCount = sections.reduce((n, s) => n + s.items.length, 0);
  return {
    publication: { ...publication, baseUrl: base },
    date: issue.date,
    numbering,
    window: `${fmt(issue.window.from)}-${fmt(issue.window.to)}`,
    subject: subjectLine(publication.subject ?? '{{title}}｜{{lead}}', {
      title: issue.title,
      lead: sections[0]?.items[0]?.fullTitle ?? numbering,
      numbering,
      date: issue.date,
    }),
    preheader: preheader(itemCount, sections),
    lead: sections
      .filter((s) => !s.items[0]!.book)
      .slice(0, 5)
      .map((s) => s.items[0]!),
    webUrl,
    archiveUrl: base,
    sections,
    itemCount,
    briefCount: sections.reduce((n, s) => n + s.briefCount, 0),
    tokens: TOKENS,
  };
}
