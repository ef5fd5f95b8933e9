/**
 * Sanitizing feed HTML before it is stored: an allowlist of tags and
 * attributes; no script, iframe, object/embed, forms, event handlers, styles,
 * javascript:/data: URLs, or tracking pixels. Safe images and links are kept.
 */
import sanitizeHtml from 'sanitize-html';

/** Is this <img> a tracking pixel (1×1, zero size, or a known beacon path)? */
function isTrackingPixel(attribs: Record<string, string>): boolean {
  const w = attribs.width?.replace('px', '');
  const h = attribs.height?.replace('px', '');
  if ((w && Number(w) <= 1) || (h && Number(h) <= 1)) return true;
  return /(pixel|beacon|track(ing)?|open)\.(gif|png)|\/(pixel|beacon|track|open)(\?|\/|$)|feedburner\.com\/~r\/|feedsportal|doubleclick/i.test(attribs.src ?? '');
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
    'strong', 'b', 'em', 'i', 'u', 's', 'sub', 'sup', 'small', 'mark', 'a', 'img', 'figure', 'figcaption',
    'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'span', 'div',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Contents of these are dropped entirely, not unwrapped into text.
  nonTextTags: ['script', 'style', 'textarea', 'noscript', 'iframe', 'object', 'embed', 'form', 'select', 'button', 'svg', 'math', 'template'],
  exclusiveFilter: (frame) => frame.tag === 'img' && (isTrackingPixel(frame.attribs) || !frame.attribs.src),
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer' } }),
    h1: 'h2',
  },
};
OPTIONS.allowedAttributes = { ...(OPTIONS.allowedAttributes as Record<string, string[]>), a: ['href', 'title', 'rel'] };

/** Sanitize untrusted HTML from a feed or an editor item. */
export function sanitize(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}
