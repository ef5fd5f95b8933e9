/**
 * Pure text normalization for Chinese bulletins: colons, hard line breaks,
 * issuer/headline split, attachments, canonical links and fingerprints.
 */
import { createHash } from 'node:crypto';

const CJK = '\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef';
const CJK_CHAR = new RegExp(`[${CJK}]`, 'u');

/**
 * Join hard line breaks inside a paragraph. Between two CJK characters the
 * break vanishes (Chinese has no spaces); elsewhere it becomes one space.
 * Blank lines stay paragraph breaks.
 */
export function joinHardBreaks(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\u3000]*\n+/)
    .map((para) =>
      para
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .reduce((acc, line) => {
          if (!acc) return line;
          const last = acc.at(-1) ?? '';
          const first = line[0] ?? '';
          return CJK_CHAR.test(last) || CJK_CHAR.test(first) ? acc + line : `${acc} ${line}`;
        }, ''),
    )
    .filter(Boolean)
    .join('\n\n');
}

/**
 * Tidy a headline: full-width colon after the issuer, no stray spaces between
 * CJK characters (PDF extraction adds them), single spaces elsewhere.
 */
export function normalizeTitle(raw: string): string {
  let t = raw.replace(/\s+/g, ' ').trim();
  // `两部门: 标题` → `两部门：标题` (half-width colon after a short CJK issuer).
  t = t.replace(new RegExp(`^([${CJK}A-Za-z0-9·]{1,20})\\s*[:：]\\s*`, 'u'), '$1：');
  // Spaces PDF extraction puts between CJK characters carry no meaning.
  t = t.replace(new RegExp(`([${CJK}])\\s+(?=[${CJK}])`, 'gu'), '$1');
  return t;
}

/** Split `发布机构：标题` into issuer and headline; no issuer when there is no colon prefix. */
export function splitIssuer(title: string): { issuer: string | null; headline: string } {
  const t = normalizeTitle(title);
  const m = /^([^：:]{1,20})：(.+)$/u.exec(t);
  // An issuer is a short name, not a sentence; 《…》 or digits-only prefixes are not issuers.
  if (m && !/[《》，。！？]/u.test(m[1]!) && !/^\d+$/.test(m[1]!)) {
    return { issuer: m[1]!.trim(), headline: m[2]!.trim() };
  }
  return { issuer: null, headline: t };
}

/** Lines starting with `附：` are attachments; returns them and the text without them. */
export function extractAttachments(text: string): { text: string; attachments: string[] } {
  const attachments: string[] = [];
  const kept = text.split('\n').filter((line) => {
    const m = /^\s*附\s*[:：]\s*(.+?)\s*$/u.exec(line);
    if (m) attachments.push(m[1]!);
    return !m;
  });
  return { text: kept.join('\n').replace(/\n{3,}/g, '\n\n').trim(), attachments };
}

const TRACKING_PARAMS = /^(utm_\w+|spm|from|fbclid|gclid|yclid|mc_cid|mc_eid|igshid|scene|srcid|share_token|_hsenc|_hsmi|ref_src)$/i;

/** Canonical form of a link: no tracking parameters, no fragment, lowercase host. */
export function canonicalLink(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const trimmed = raw.trim().replace(/^<|>$/g, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  for (const key of [...url.searchParams.keys()]) {
    if (TRACKING_PARAMS.test(key)) url.searchParams.delete(key);
  }
  url.hash = '';
  return url.toString();
}

/** Text reduced to what identifies content: letters, digits and CJK only, lowercased. */
export function contentKey(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Fingerprint of an item's content: headline plus the start of the body. */
export function fingerprint(headline: string, text: string): string {
  return createHash('sha256').update(contentKey(headline)).update('\u0000').update(contentKey(text).slice(0, 400)).digest('hex').slice(0, 32);
}

/** A short stable id. */
export function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);
}

/** Strip HTML to plain text (for feeds that only give HTML); paragraphs become blank lines. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|blockquote|tr)>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Escape text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Plain text paragraphs as HTML paragraphs. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escapeHtml(p.trim()).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}
