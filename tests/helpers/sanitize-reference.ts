/**
 * The reference the sanitizer is checked against: sanitize-html (a dev
 * dependency only) with exactly the options src/ingest/sanitize.ts gave it
 * before it was rewritten on htmlparser2 directly. Its own behaviour, kept
 * word for word: tests/ingest/sanitize.test.ts requires the two to agree.
 */
import sanitizeHtml from 'sanitize-html';
import { canonicalLink } from '../../src/ingest/normalize/index.ts';
import { absolute, isTrackingPixel } from '../../src/ingest/sanitize.ts';

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'code',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'sub',
  'sup',
  'small',
  'mark',
  'a',
  'img',
  'figure',
  'figcaption',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'caption',
  'span',
  'div',
];

/**
 * The base URL of the call in progress. sanitize-html is synchronous, so one
 * options object (prepared once, not per item) can read it from here.
 */
let currentBase: string | null = null;
const base = () => currentBase;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Contents of these are dropped entirely, not unwrapped into text.
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'noscript',
    'iframe',
    'object',
    'embed',
    'applet',
    'form',
    'select',
    'option',
    'button',
    'svg',
    'math',
    'template',
    'title',
    'head',
  ],
  exclusiveFilter: (frame) => frame.tag === 'img' && (!frame.attribs.src || isTrackingPixel(frame.attribs)),
  transformTags: {
    // Links and images are made absolute here; the scheme allowlist then judges the result.
    a: (tagName, attribs) => {
      const resolved = absolute(attribs.href, base(), ['http', 'https', 'mailto']);
      // Links in the body lose their tracking parameters too.
      const href = resolved?.startsWith('mailto:') ? resolved : canonicalLink(resolved);
      const { href: _drop, ...rest } = attribs;
      return { tagName, attribs: href ? { href, ...rest, rel: 'noopener noreferrer' } : rest };
    },
    img: (tagName, attribs) => {
      const src = absolute(attribs.src, base(), ['http', 'https']);
      const { src: _drop, ...rest } = attribs;
      return { tagName, attribs: src ? { src, ...rest } : rest };
    },
    h1: 'h2',
  },
};

/**
 * Sanitize untrusted HTML from a feed or an editor item. `base` (the item's
 * link, else the feed's) resolves relative links and images; without it they
 * are dropped, as a reader of the email could not follow them.
 */
export function referenceSanitize(html: string, base: string | null = null): string {
  currentBase = base;
  try {
    // A link whose target was unsafe keeps its text, not an empty <a>.
    return sanitizeHtml(html, OPTIONS)
      .replace(/<a>([\s\S]*?)<\/a>/g, '$1')
      .trim();
  } finally {
    currentBase = null;
  }
}
