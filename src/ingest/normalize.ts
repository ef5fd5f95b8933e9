/**
 * Pure text normalization for Chinese bulletins: colons, hard line breaks and
 * paragraphs cut by page breaks, issuer/headline split, attachments,
 * canonical links and fingerprints.
 */
import { escapeHtml } from '../util/html.ts';
import { createHash } from 'node:crypto';

const CJK = '\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef';
const CJK_CHAR = new RegExp(`[${CJK}]`, 'u');
const HAN_END = /[\p{Script=Han}、，]$/u;
const HAN_START = /^[\p{Script=Han}\d，。、；：！？）」』”]/u;
/** How a paragraph that legitimately starts a new thought begins: list markers, 附. */
const PARAGRAPH_OPENER = /^(?:[（(]?[一二三四五六七八九十\d]+[、)）.．]|附|第[一二三四五六七八九十\d]+[条章节部分])/u;
/** Shorter paragraphs are headings ("构建高水平新型基础设施体系"), which end without punctuation. */
const MIN_CUT_PARAGRAPH = 30;

/**
 * Was the boundary between `before` and `after` a page or column break in
 * the middle of a sentence (`…完善股权激励制` | `度；六是…`)? True when a long
 * paragraph stops on a character no sentence ends with and the next one does
 * not begin like a paragraph of its own.
 */
export function isCutParagraph(before: string, after: string): boolean {
  const a = before.trim();
  const b = after.trim();
  return a.length >= MIN_CUT_PARAGRAPH && HAN_END.test(a) && HAN_START.test(b) && !PARAGRAPH_OPENER.test(b);
}

/**
 * Join hard line breaks inside a paragraph. Between two CJK characters the
 * break vanishes (Chinese has no spaces); elsewhere it becomes one space.
 * Blank lines stay paragraph breaks, except where a page break cut a
 * sentence in two (see {@link isCutParagraph}).
 */
export function joinHardBreaks(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .split(/\n[ \t\u3000]*\n+/)
    .map((para) => {
      // Pieces joined once, each checked against the previous line (not the text so far):
      // reading the end of a growing string makes V8 copy it, quadratic on a 1 MB body.
      const pieces: string[] = [];
      let previous = '';
      for (const raw of para.split('\n')) {
        const line = raw.replace(/[ \t]+/g, ' ').trim();
        if (!line) continue;
        pieces.push(!previous || CJK_CHAR.test(previous.at(-1)!) || CJK_CHAR.test(line[0]!) ? line : ` ${line}`);
        previous = line;
      }
      return pieces.join('');
    })
    .filter(Boolean);
  // Paragraphs as lists of pieces; `tail` stands in for the last paragraph in isCutParagraph:
  // it starts and ends like the paragraph and is at least as long up to MIN_CUT_PARAGRAPH,
  // so the check does not re-read a paragraph that keeps growing.
  const joined: string[][] = [];
  let tail = '';
  for (const p of paragraphs) {
    if (joined.length && isCutParagraph(tail, p)) {
      joined.at(-1)!.push(p);
      tail = tail.slice(0, MIN_CUT_PARAGRAPH) + p;
    } else {
      joined.push([p]);
      tail = p;
    }
  }
  return joined.map((pieces) => pieces.join('')).join('\n\n');
}

/** A prefix before a colon that may be an issuer: short, with at least one CJK character. */
const ISSUER_PREFIX = new RegExp(`^([^:：]*[${CJK}][^:：]*?)\\s*[:：]\\s*`, 'u');

/**
 * Tidy a headline: one space at most between words (a space between two
 * Chinese clauses is the headline's own separator and stays), none next to
 * full-width punctuation, and a full-width colon after a Chinese issuer
 * (`两部门: 标题` → `两部门：标题`). English headlines keep their colons.
 */
export function normalizeTitle(raw: string): string {
  let t = raw.replace(/[\s\u00a0\u3000]+/g, ' ').trim();
  const m = ISSUER_PREFIX.exec(t);
  if (m && [...m[1]!].length <= 20) t = `${m[1]!.trim()}：${t.slice(m[0].length)}`;
  // Spaces around full-width punctuation are PDF extraction noise: "投资！ 出台" → "投资！出台".
  // (Spaces next to quotes stay: `发布“科创板八条” 为新质生产力…` separates two clauses.)
  t = t.replace(/\s*([，。！？；：、])\s*/gu, '$1');
  return t;
}

/** Words that open a headline rather than name an issuer (`解读6月份PMI数据：…`). */
const NOT_ISSUER = /^(?:解读|图解|专访|独家|关于|如何|为何|为什么|一图读懂)|[《》，。！？“”]|\d/u;
/** Digits are allowed in one kind of issuer: `12部门`. */
const COUNTED_BODIES = /^\d+(?:部门|部委)$/u;

/**
 * Split `发布机构：标题` into issuer and headline; no issuer when there is no
 * Chinese colon prefix, or the prefix reads like part of the headline.
 */
export function splitIssuer(title: string): { issuer: string | null; headline: string } {
  const t = normalizeTitle(title);
  const m = /^([^：]{1,20})：(.+)$/u.exec(t);
  if (m && CJK_CHAR.test(m[1]!) && (!NOT_ISSUER.test(m[1]!) || COUNTED_BODIES.test(m[1]!))) {
    return { issuer: m[1]!.trim(), headline: m[2]!.trim() };
  }
  return { issuer: null, headline: t };
}

/** `附：…`, `附件：…`, `附件1：…` at the start of a line. */
export const ATTACHMENT_LINE = /^\s*附(?:件\s*[\d一二三四五六七八九十]*)?\s*[:：]\s*(.+?)\s*$/u;

/**
 * Lines starting with `附：` (or `附件：`) are attachments; returns them and
 * the text without them. A line listing several 《titles》 gives one
 * attachment per title.
 */
export function extractAttachments(text: string): { text: string; attachments: string[] } {
  const attachments: string[] = [];
  const kept = text.split('\n').filter((line) => {
    const m = ATTACHMENT_LINE.exec(line);
    if (m) attachments.push(...splitTitles(m[1]!));
    return !m;
  });
  return {
    text: kept
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
    attachments,
  };
}

/** `《A》《B》` → [`《A》`, `《B》`]; anything else stays one entry. */
function splitTitles(s: string): string[] {
  const titles = s.match(/《[^《》]+》/gu);
  return titles && !s.replace(/《[^《》]+》/gu, '').replace(/[\s、，和及与]+/gu, '') ? titles : [s];
}

/**
 * Query parameters that only say who shared or clicked a link: analytics
 * (utm_*, gclid, fbclid…), and WeChat's share and session parameters (an
 * article is `__biz`, `mid`, `idx`, `sn`; the rest varies per reader).
 */
const TRACKING_PARAMS =
  /^(utm_\w+|spm|from|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|ttclid|li_fat_id|mc_cid|mc_eid|igshid|_hsenc|_hsmi|ref_src|wt\.mc_id|_ga|ocid|scene|srcid|share_token|isappinstalled|clicktime|enterid|chksm|mpshare|sharer_\w+|ascene|devicetype|exportkey|pass_ticket|wx_header|nettype|version|lang|key|uin|from_source|share_from|shareuid)$/i;
/** Fragments that are noise rather than a place in a page (`#wechat_redirect`, `#rd`). */
const NOISE_FRAGMENT = /^#(?:wechat_redirect|rd|utm_.*|xtor=.*|ref=.*|)$/i;
/** Hosts whose `version`/`lang`/`key`/`uin` parameters are per-reader noise (elsewhere they may matter). */
const WECHAT_ONLY = /^(version|lang|key|uin)$/i;

/**
 * Canonical form of a link: absolute (relative links resolve against
 * `base`), http(s) only, no tracking parameters, no noise fragment,
 * lowercase host. Null for anything else.
 */
export function canonicalLink(raw: string | null | undefined, base?: string | null): string | null {
  if (!raw) return null;
  const trimmed = raw.trim().replace(/^<|>$/g, '');
  if (!trimmed) return null;
  let url: URL;
  try {
    url = base ? new URL(trimmed, base) : new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const wechat = url.hostname === 'mp.weixin.qq.com';
  for (const key of [...url.searchParams.keys()]) {
    if (TRACKING_PARAMS.test(key) && (wechat || !WECHAT_ONLY.test(key))) url.searchParams.delete(key);
  }
  if (NOISE_FRAGMENT.test(url.hash)) url.hash = '';
  return url.toString();
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Text reduced to what identifies content: letters, digits and CJK only,
 * lowercased — `text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')`, three
 * times as fast: common CJK, ASCII letters and digits are kept without a
 * regular expression, and kept runs are copied whole (ingest runs this on
 * every item, and the near-duplicate index on every headline).
 */
export function contentKey(text: string): string {
  const lower = text.toLowerCase();
  let out = '';
  let run = 0;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) continue;
    if (c >= 0x80) {
      const wide = c >= 0xd800 && c <= 0xdbff && i + 1 < lower.length;
      if (LETTER_OR_DIGIT.test(lower.slice(i, wide ? i + 2 : i + 1))) {
        if (wide) i++;
        continue;
      }
      out += lower.slice(run, i);
      if (wide) i++;
      run = i + 1;
      continue;
    }
    out += lower.slice(run, i);
    run = i + 1;
  }
  return run === 0 ? lower : out + lower.slice(run);
}

/** How much of the body the fingerprint covers, in letters and digits. */
const FINGERPRINT_CHARS = 400;

/** Fingerprint of an item's content: headline plus the start of the body. */
export function fingerprint(headline: string, text: string): string {
  // Reduce only a prefix of a long body (articles can be 50 KB); the whole text if the prefix is mostly punctuation.
  let body = contentKey(text.slice(0, FINGERPRINT_CHARS * 4));
  if (body.length < FINGERPRINT_CHARS && text.length > FINGERPRINT_CHARS * 4) body = contentKey(text);
  return createHash('sha256')
    .update(contentKey(headline))
    .update('\u0000')
    .update(body.slice(0, FINGERPRINT_CHARS))
    .digest('hex')
    .slice(0, 32);
}

/** A short stable id. */
export function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);
}

/** Named HTML entities feeds use in titles and text (the XML ones are decoded by the parser). */
const NAMED_ENTITIES: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  mdash: '—',
  ndash: '–',
  hellip: '…',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  laquo: '«',
  raquo: '»',
  middot: '·',
  bull: '•',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  times: '×',
  divide: '÷',
  yen: '¥',
  euro: '€',
  pound: '£',
  cent: '¢',
  sect: '§',
  para: '¶',
  emsp: ' ',
  ensp: ' ',
  thinsp: ' ',
  zwj: '',
  zwnj: '',
  shy: '',
  iexcl: '¡',
  iquest: '¿',
  aacute: 'á',
  eacute: 'é',
  iacute: 'í',
  oacute: 'ó',
  uacute: 'ú',
  agrave: 'à',
  egrave: 'è',
  ograve: 'ò',
  acirc: 'â',
  ecirc: 'ê',
  ocirc: 'ô',
  atilde: 'ã',
  otilde: 'õ',
  ntilde: 'ñ',
  ccedil: 'ç',
  auml: 'ä',
  euml: 'ë',
  iuml: 'ï',
  ouml: 'ö',
  uuml: 'ü',
  szlig: 'ß',
  Aacute: 'Á',
  Eacute: 'É',
  Oacute: 'Ó',
  Uacute: 'Ú',
  Atilde: 'Ã',
  Ccedil: 'Ç',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
};

/** Decode character references: numeric ones and the common named ones; unknown names stay as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,8});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const n = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '\ufffd';
    }
    return NAMED_ENTITIES[ref] ?? whole;
  });
}

/** Strip HTML to plain text (for feeds that only give HTML); paragraphs become blank lines. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(td|th)>/gi, ' ')
      .replace(/<\/(p|div|h[1-6]|li|blockquote|tr|figure|figcaption|pre|table)>/gi, '\n\n')
      .replace(/<[^>]+>/g, ''),
  )
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A newline between two CJK characters (with the spaces around it). */
const CJK_BREAK = new RegExp(`([${CJK}])[ \\t]*\\r?\\n[ \\t]*(?=[${CJK}])`, 'gu');

/**
 * The same repairs on sanitized HTML that {@link joinHardBreaks} and
 * {@link extractAttachments} make on text, so the web version matches:
 * newlines between CJK characters vanish (a browser would show a space),
 * paragraphs cut by a page break are joined, and `附：` paragraphs are
 * dropped (attachments are listed separately). Expects sanitize.ts output,
 * where `<p>` carries no attributes.
 */
export function repairHtml(html: string): string {
  const parts = html.replace(CJK_BREAK, '$1').split(/(<p>[\s\S]*?<\/p>)/);
  // A joined paragraph is kept as a list of pieces and closed at the end; `tail` stands in for
  // its text in isCutParagraph (see joinHardBreaks), so a long run of cut paragraphs is
  // never re-read or re-copied as it grows (quadratic on a 1 MB body before).
  const out: string[][] = [];
  let lastParagraph = -1;
  let tail = '';
  for (const part of parts) {
    if (!part.startsWith('<p>')) {
      if (part.trim()) lastParagraph = -1;
      out.push([part]);
      continue;
    }
    const text = htmlToText(part);
    if (ATTACHMENT_LINE.test(text) && !text.includes('\n')) {
      lastParagraph = -1;
      continue;
    }
    if (lastParagraph >= 0 && isCutParagraph(tail, text)) {
      const pieces = out[lastParagraph]!;
      pieces[pieces.length - 1] = pieces.at(-1)!.slice(0, -'</p>'.length);
      pieces.push(part.slice('<p>'.length));
      tail = tail.trim().slice(0, MIN_CUT_PARAGRAPH) + text;
      continue;
    }
    out.push([part]);
    lastParagraph = out.length - 1;
    tail = text;
  }
  return out
    .map((pieces) => pieces.join(''))
    .join('')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Plain text paragraphs as HTML paragraphs. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escapeHtml(p.trim()).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}
