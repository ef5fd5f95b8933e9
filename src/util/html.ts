/**
 * HTML escaping shared by every stage that writes HTML outside templates
 * (feeds, personalised parts, the preview UI, editor items). Layer 1: no
 * stage owns it, so none has to import another stage for it.
 */

/** Escape text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
