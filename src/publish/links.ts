/**
 * Making published HTML stand on its own (pure): the content part of a web
 * page, and every relative link in it resolved to an absolute URL. A feed
 * reader shows content away from our site, where `../../index.html` or
 * `#item-3` would point nowhere.
 */

// Attributes whose value is a URL (srcset is a list, handled apart).
const URL_ATTRIBUTES = new Set(['href', 'src', 'cite', 'poster', 'action', 'longdesc']);
// A start tag; quoted attribute values may contain `>`.
const START_TAG = /<[a-zA-Z][a-zA-Z0-9-]*(?:[^>"']|"[^"]*"|'[^']*')*>/g;
// One attribute with a value inside a start tag.
const ATTRIBUTE = /(\s)([a-zA-Z_:][-a-zA-Z0-9_:.]*)(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/g;

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' };

function decodeAttribute(v: string): string {
  return v.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(amp|quot|apos|lt|gt));/gi, (m, dec, hex, name) =>
    dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : (ENTITIES[name.toLowerCase()] ?? m),
  );
}

function encodeAttribute(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `url` resolved against `base`; unchanged when it cannot be parsed. */
function resolveUrl(url: string, base: string): string {
  const trimmed = url.trim();
  // Already absolute (https:, mailto:, …): leave it exactly as written.
  if (!trimmed || /^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return url;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return url;
  }
}

function resolveSrcset(value: string, base: string): string {
  return value
    .split(',')
    .map((candidate) => {
      const [url, ...descriptors] = candidate.trim().split(/\s+/);
      return url ? [resolveUrl(url, base), ...descriptors].join(' ') : candidate;
    })
    .join(', ');
}

/**
 * Every URL attribute (href, src, srcset, …) in `html` made absolute against
 * `base` (an absolute URL, e.g. the web address). Only start tags are
 * touched, so text that merely looks like `href="…"` stays as it is.
 */
export function absolutizeLinks(html: string, base: string): string {
  return html.replace(START_TAG, (tag) =>
    tag.replace(ATTRIBUTE, (whole, space: string, name: string, eq: string, dq?: string, sq?: string, bare?: string) => {
      const attr = name.toLowerCase();
      if (!URL_ATTRIBUTES.has(attr) && attr !== 'srcset') return whole;
      const value = decodeAttribute(dq ?? sq ?? bare ?? '');
      const resolved = attr === 'srcset' ? resolveSrcset(value, base) : resolveUrl(value, base);
      return `${space}${name}${eq}"${encodeAttribute(resolved)}"`;
    }),
  );
}

/**
 * The content of a web page as a feed carries it: the inside of `<main>`
 * (or of `<body>` when a template has no `<main>`), without the neighbour
 * navigation, which means nothing inside a feed reader.
 */
export function mainContent(webHtml: string): string {
  const main = /<main\b[^>]*>([\s\S]*)<\/main>/i.exec(webHtml) ?? /<body\b[^>]*>([\s\S]*)<\/body>/i.exec(webHtml);
  return (main ? main[1]! : webHtml).replace(/<nav\b[^>]*class="[^"]*\bneighbours\b[^"]*"[^>]*>[\s\S]*?<\/nav>/gi, '').trim();
}
