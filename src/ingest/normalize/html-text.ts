/**
 * HTML and plain text: character references decoded, HTML bodies as text,
 * text paragraphs as HTML. HTML is read by htmlparser2's parser (as the
 * sanitizer reads it), not by patterns: every HTML5 character reference,
 * comments, CDATA, `<script>`/`<style>` bodies, attribute values holding `>`
 * and unclosed paragraphs are read as a browser reads them, in one linear
 * pass (feed bodies can be megabytes).
 */
import { Parser } from 'htmlparser2';
import { escapeHtml } from '../../util/html.ts';

/** Elements whose start and end are paragraph breaks in the text. */
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'caption',
  'center',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tr',
  'ul',
]);
/** Table cells: a space after each, so neighbouring cells do not run together. */
const CELLS = new Set(['td', 'th']);
/** Elements whose content is never text a reader sees. */
const HIDDEN = new Set(['script', 'style', 'template']);

/** How to read HTML as text. */
interface TextOptions {
  /** Keep a link's address after its label, `label（https://…）`, unless the label is the address. */
  links?: boolean;
}

/** The text of `html` as the parser reads it, not yet tidied. */
function parseText(html: string, opts: TextOptions = {}): string {
  const out: string[] = [];
  let hidden = 0;
  // Open links: their address (null: not http(s)) and where their label starts in `out`.
  const links: { href: string | null; start: number }[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (HIDDEN.has(name)) hidden++;
        else if (name === 'br') out.push('\n');
        else if (BLOCKS.has(name)) out.push('\n\n');
        else if (name === 'a' && opts.links)
          links.push({ href: /^https?:/i.test(attribs.href ?? '') ? attribs.href! : null, start: out.length });
      },
      ontext(text) {
        if (!hidden) out.push(text);
      },
      onclosetag(name) {
        if (HIDDEN.has(name)) hidden = Math.max(0, hidden - 1);
        else if (CELLS.has(name)) out.push(' ');
        else if (BLOCKS.has(name)) out.push('\n\n');
        else if (name === 'a' && opts.links) {
          const link = links.pop();
          if (link?.href && out.slice(link.start).join('') !== link.href) out.push(`（${link.href}）`);
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return out.join('');
}

/** Spaces and tabs at the ends of lines dropped, three or more line breaks made two, the whole trimmed. */
function tidy(text: string): string {
  const lines = text.replace(/\u00a0/g, ' ').split('\n');
  for (let i = 0; i < lines.length; i++) {
    // By hand: /[ \t]+$/ re-scans a long run of spaces from each of its starts (quadratic).
    const line = lines[i]!;
    let end = line.length;
    while (end > 0 && (line.charCodeAt(end - 1) === 0x20 || line.charCodeAt(end - 1) === 0x09)) end--;
    if (end < line.length) lines[i] = line.slice(0, end);
  }
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Decode the character references of plain text (a headline that may carry
 * `&hellip;` or `&#8220;`): every one HTML5 knows; unknown names stay as written.
 */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  // `<` escaped: the parser then sees only text, and decodes exactly as in a page.
  return parseText(s.replace(/</g, '&lt;'));
}

/**
 * HTML as plain text (feeds that only give HTML; the text of sanitized
 * bodies): block elements and `<br>` become paragraph and line breaks, table
 * cells are separated by a space, comments and script/style bodies vanish.
 * Line breaks inside text stay (joinHardBreaks decides what they mean).
 * With `links`, a link's address follows its label.
 */
export function htmlToText(html: string, opts: TextOptions = {}): string {
  return tidy(parseText(html, opts));
}

/** Plain text paragraphs as HTML paragraphs. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escapeHtml(p.trim()).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}
