/**
 * The editors' hand in a composed issue, besides overrides (which the section
 * stage applies): their revisions of items' text, applied where the build
 * reads items so every later build prints the revised text while the source's
 * own stays stored; and the order they gave a section's items.
 */
import { DateTime } from 'luxon';
import type { RevisionFields } from '../store/index.ts';
import type { Issue, Item, Override } from '../types.ts';
import { escapeHtml } from '../util/html.ts';

/** Paragraphs of plain text as the HTML body (the editor wrote text, so it is escaped). */
function textHtml(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/** The item as the editor revised it; fields the revision leaves out keep the source's value. */
export function applyRevision(item: Item, fields: RevisionFields, zone: string): Item {
  const next: Item = { ...item };
  if (fields.title !== undefined) next.title = fields.title;
  if (fields.issuer !== undefined) next.issuer = fields.issuer;
  if (fields.outlet !== undefined) next.outlet = fields.outlet;
  if (fields.attachments !== undefined) next.attachments = fields.attachments;
  if (fields.text !== undefined) {
    next.text = fields.text;
    next.html = textHtml(fields.text) || `<p>${escapeHtml(next.title)}</p>`;
  }
  if (fields.date !== undefined) {
    const day = fields.date ? DateTime.fromISO(fields.date, { zone }) : null;
    // Noon: the same calendar day in any timezone a reader's client might show.
    next.publishedAt = day?.isValid ? day.set({ hour: 12 }).toISO() : null;
  }
  return next;
}

/** Apply each item's revision in force (by item id). */
export function reviseItems(items: Item[], revisions: Map<string, { fields: RevisionFields }>, zone: string): Item[] {
  return items.map((i) => {
    const r = revisions.get(i.id);
    return r ? applyRevision(i, r.fields, zone) : i;
  });
}

/**
 * Put each section's items in the order editors gave them (`ranks`, lower
 * first) after any pinned-first items, keeping the computed order for items
 * without a rank (new arrivals go last), then number the issue's items again.
 * Caps were applied by the section stage: the order moves items within a
 * section, never across its cap.
 */
export function applyEditorOrder(issue: Issue, ranks: Map<string, number>, overrides: Map<string, Override>): Issue {
  if (!ranks.size) return issue;
  let position = 0;
  const sections = issue.sections.map((s) => {
    const key = (id: string) => [overrides.get(id)?.pinnedFirst ? 0 : 1, ranks.get(id) ?? Number.POSITIVE_INFINITY] as const;
    const items = [...s.items]
      .sort((a, b) => {
        const [pa, ra] = key(a.id);
        const [pb, rb] = key(b.id);
        return pa - pb || (ra === rb ? 0 : ra < rb ? -1 : 1);
      })
      .map((i) => ({ ...i, position: ++position }));
    return { ...s, items };
  });
  return { ...issue, sections };
}
