/**
 * The view model (pure): everything the templates show, computed once from an
 * Issue and the publication settings. Templates never compute; they print.
 */
import { DateTime } from 'luxon';
import type { Issue, IssueItem } from '../types.ts';
import { chineseNumeral, numberingLine } from './numerals.ts';

/** Per-recipient tokens; filled after MJML by personalize.ts. */
export const TOKENS = {
  unsubscribeUrl: '%%DIGEST_UNSUBSCRIBE_URL%%',
  greetingName: '%%DIGEST_GREETING_NAME%%',
} as const;

/** Publication settings the templates show. */
export interface PublicationView {
  title: string;
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
  /** Email summary, cut at a sentence end. */
  summary: string;
  truncated: boolean;
  paragraphs: string[];
  /** Sanitized HTML of the full body (web version). */
  html: string;
  attachments: string[];
  link: string | null;
  webLink: string;
  otherOutlets: string[];
  reason: string;
}

/** One section as the templates see it. */
export interface SectionView {
  id: string;
  anchor: string;
  title: string;
  /** 一、二、… */
  numeral: string;
  items: ItemView[];
}

/** The whole view model of an issue. */
export interface IssueView {
  publication: PublicationView;
  date: string;
  numbering: string;
  /** 本期信息搜集时间: `2024.06.16-2024.07.15`. */
  window: string;
  subject: string;
  preheader: string;
  webUrl: string;
  archiveUrl: string;
  sections: SectionView[];
  itemCount: number;
  tokens: typeof TOKENS;
}

const SENTENCE_END = /[。！？!?；;]["”』」）)]?/gu;

/**
 * Cut text at the last sentence end (。！？) at or before `max` characters.
 * A first sentence longer than `max` is cut at `max` with an ellipsis.
 */
export function cutAtSentence(text: string, max: number): { text: string; truncated: boolean } {
  const flat = text.replace(/\s*\n+\s*/g, ' ').trim();
  if (flat.length <= max) return { text: flat, truncated: false };
  let cut = -1;
  for (const m of flat.matchAll(SENTENCE_END)) {
    const end = m.index! + m[0].length;
    if (end > max) break;
    cut = end;
  }
  if (cut > max * 0.3) return { text: flat.slice(0, cut), truncated: true };
  return { text: flat.slice(0, max).trimEnd() + '…', truncated: true };
}

function day(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd');
}

function itemView(item: IssueItem, zone: string, summaryChars: number, webUrl: string): ItemView {
  const anchor = `item-${item.position}`;
  const { text: summary, truncated } = cutAtSentence(item.text, summaryChars);
  return {
    anchor,
    position: item.position,
    headline: item.title,
    issuer: item.issuer,
    fullTitle: item.issuer ? `${item.issuer}：${item.title}` : item.title,
    outlet: item.outlet,
    date: item.publishedAt ? day(item.publishedAt, zone) : null,
    summary,
    truncated,
    paragraphs: item.text.split(/\n{2,}/).map((p) => p.trim()).filter(Boolean),
    html: item.html,
    attachments: item.attachments,
    link: item.link,
    webLink: `${webUrl}#${anchor}`,
    otherOutlets: item.otherOutlets.map((o) => o.outlet ?? o.sourceId),
    reason: item.reason,
  };
}

/** Build the view model of an issue. */
export function issueView(issue: Issue, publication: PublicationView, summaryChars: number): IssueView {
  const zone = publication.timezone;
  const base = publication.baseUrl.endsWith('/') ? publication.baseUrl : `${publication.baseUrl}/`;
  const webUrl = `${base}issues/${issue.date}/`;
  const sections = issue.sections
    .filter((s) => s.items.length)
    .map((s, i) => ({
      id: s.id,
      anchor: `section-${s.id}`,
      title: s.title,
      numeral: chineseNumeral(i + 1),
      items: s.items.map((item) => itemView(item, zone, summaryChars, webUrl)),
    }));
  const fmt = (iso: string) => DateTime.fromISO(iso, { zone }).toFormat('yyyy.MM.dd');
  const numbering = numberingLine(issue.numbering.year, issue.numbering.number, issue.numbering.totalNumber);
  const itemCount = sections.reduce((n, s) => n + s.items.length, 0);
  const headlines = sections.flatMap((s) => s.items.slice(0, 1).map((i) => i.fullTitle));
  return {
    publication: { ...publication, baseUrl: base },
    date: issue.date,
    numbering,
    window: `${fmt(issue.window.from)}-${fmt(issue.window.to)}`,
    subject: `${issue.title} ${numbering}`,
    preheader: `本期${itemCount}条：${headlines.join('；')}`.slice(0, 140),
    webUrl,
    archiveUrl: base,
    sections,
    itemCount,
    tokens: TOKENS,
  };
}
