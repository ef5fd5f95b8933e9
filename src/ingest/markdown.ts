/**
 * Editor text is Markdown (the seed itself uses `**…**` for emphasis):
 * markdown-it with raw HTML off renders it, and the result goes through the
 * same sanitizer as feed bodies, so a reader never sees `**`, `&lt;p&gt;` or a tag.
 */
import MarkdownIt from 'markdown-it';
import { htmlToText, repairHtml } from './normalize/index.ts';
import { sanitize } from './sanitize.ts';

// html: false — tags an editor types are text, never markup; no typographer: quotes stay as written.
const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: false });

/** Markdown → sanitized HTML (links resolve against `base`). */
export function markdownToHtml(source: string, base: string | null): string {
  return repairHtml(sanitize(md.render(source), base));
}

/** Sanitized HTML → plain text, links kept as `label（URL）` so the text part loses nothing. */
export function htmlToPlain(html: string): string {
  return htmlToText(html, { links: true });
}

/** Markdown inline markup removed: for one-line fields (headlines, book fields). */
export function markdownInline(source: string): string {
  return htmlToText(md.renderInline(source));
}
