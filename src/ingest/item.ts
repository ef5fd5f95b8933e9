/**
 * Turning raw entries (from feeds or editor files) into normalized Items:
 * sanitized HTML, joined hard breaks, issuer split, attachments, canonical
 * link, parsed date, fingerprint and stable id.
 */
import type { Item } from '../types.ts';
import { parseDate } from './dates.ts';
import {
  canonicalLink, escapeHtml, extractAttachments, fingerprint, htmlToText, joinHardBreaks, splitIssuer, stableId, textToHtml,
} from './normalize.ts';
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
}

/** Build a normalized Item. `now` is the first-seen time; `zone` reads dates without offset. */
export function buildItem(input: EntryInput, now: string, zone: string): Item {
  const { issuer: splitOff, headline } = splitIssuer(input.title || '(无标题)');
  const issuer = input.issuer?.trim() || splitOff;
  const safeHtml = input.html ? sanitize(input.html) : '';
  const rawText = input.text ?? (safeHtml ? htmlToText(safeHtml) : '');
  const joined = joinHardBreaks(rawText);
  const { text, attachments: found } = extractAttachments(joined);
  const attachments = [...(input.attachments ?? []), ...found];
  // With only text, the HTML is built from the text (escaped); with HTML, keep its markup.
  const html = safeHtml && !input.text ? safeHtml : textToHtml(text);
  const link = canonicalLink(input.link);
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
    publishedAt: parseDate(input.date, zone),
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
