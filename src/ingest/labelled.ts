/**
 * A labelled set from a past issue in the seed's plain-text layout (pure):
 * the table of contents (目录) says which section each headline is in, and the
 * body holds the items themselves. Used to train the classifier from old
 * issues (`sectioning.classifier.corpus`), by the accuracy test and by
 * bench/sections.bench.ts.
 */
import { parsePlainItems } from './inbox.ts';
import { buildItem } from './item.ts';
import type { LabelledItem } from '../types.ts';
import type { CorpusItem, LabelledRecord } from '../section/index.ts';

export type { LabelledItem };

/** The labelled set and what could not be matched (both directions). */
export interface LabelledSet {
  items: LabelledItem[];
  /** Table-of-contents headlines with no item in the body. */
  missingInBody: string[];
  /** Body items whose headline is not in the table of contents (or is under an unknown section). */
  missingInToc: string[];
  /** Table-of-contents headings that are not configured section titles. */
  unknownSections: string[];
}

const TOC_START = /^\s*目\s*录/u;
const PAGE = /\s*\d+\s*$/u;
const HEADING = /^[\p{Script=Han}]{2,8}$/u;
const OUTLET_DATE = /^(.{1,40}?)\s+(\d{4}\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2}日?)\s*$/u;

/** A headline reduced to what identifies it: no spaces, one kind of colon, lowercase. */
export function headlineKey(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u3000]+/g, '')
    .replace(/[:：]/g, ':')
    .replace(/[\u2010-\u2015\u2212]/g, '-');
}

/**
 * Parse the table of contents: section headings and the headlines under
 * them. A heading is a line equal to a known section title, or a short
 * Han-only line (an unknown section, whose headlines are skipped and whose
 * title is reported); either may carry a page number. A
 * headline wrapped over two lines (the first without a page number) is joined.
 */
export function parseToc(
  lines: string[],
  titles: Map<string, string>,
): { entries: { sectionId: string; headline: string }[]; unknownSections: string[] } {
  const entries: { sectionId: string; headline: string }[] = [];
  const unknownSections: string[] = [];
  let section: string | null = null;
  let pending = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    const bare = line.replace(PAGE, '');
    const known = titles.get(bare.replace(/\s+/g, ''));
    if (known !== undefined || (!pending && HEADING.test(bare))) {
      section = known ?? null;
      if (known === undefined) unknownSections.push(bare);
      pending = '';
      continue;
    }
    if (!section) continue;
    pending = pending ? `${pending} ${bare}` : bare;
    if (PAGE.test(line)) {
      entries.push({ sectionId: section, headline: pending });
      pending = '';
    }
  }
  return { entries, unknownSections };
}

/**
 * Build the labelled set of one issue. `sections` maps section titles as they
 * appear in the table of contents (热点关注 …) to section ids. `firstSeen` and
 * `zone` are passed to the item builder (no clock is read here).
 */
export function labelledSet(
  content: string,
  file: string,
  sections: { id: string; title: string }[],
  firstSeen: string,
  zone: string,
): LabelledSet {
  const lines = content.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((l) => TOC_START.test(l));
  if (start < 0) throw new Error(`${file}: no table of contents (a line starting with 目录)`);
  // The table ends where the body begins: the headline above the first "来源 日期" line.
  let bodyStart = lines.findIndex((l, i) => i > start && OUTLET_DATE.test(l.trim()));
  if (bodyStart < 0) throw new Error(`${file}: no items after the table of contents`);
  do bodyStart--;
  while (bodyStart > start && !lines[bodyStart]!.trim());
  const titles = new Map(sections.map((s) => [s.title.replace(/\s+/g, ''), s.id]));
  const { entries: toc, unknownSections } = parseToc(lines.slice(start + 1, bodyStart), titles);
  // Book entries are listed in the contents by section only (图书推荐 86), never by headline: not labelled.
  const body = parsePlainItems(lines.slice(bodyStart).join('\n'), file, 'corpus')
    .filter((e) => !e.book)
    .map((e) => buildItem(e, firstSeen, zone));
  const byKey = new Map(toc.map((t, i) => [headlineKey(t.headline), { ...t, i }]));
  const items: LabelledItem[] = [];
  const missingInToc: string[] = [];
  const found = new Set<string>();
  for (const item of body) {
    const key = headlineKey(item.issuer ? `${item.issuer}:${item.title}` : item.title);
    const entry = byKey.get(key);
    if (!entry) {
      missingInToc.push(item.issuer ? `${item.issuer}：${item.title}` : item.title);
      continue;
    }
    found.add(key);
    items.push({ item, sectionId: entry.sectionId, tocIndex: entry.i });
  }
  const missingInBody = toc.filter((t) => !found.has(headlineKey(t.headline))).map((t) => t.headline);
  return { items: items.sort((a, b) => a.tocIndex - b.tocIndex), missingInBody, missingInToc, unknownSections };
}

/**
 * A fixed, disjoint, stratified split: inside each section, items alternate
 * between training (even TOC rank) and held-out (odd rank). `flip` swaps them.
 */
export function splitLabelled(items: LabelledItem[], flip = false): { train: LabelledItem[]; test: LabelledItem[] } {
  const rank = new Map<string, number>();
  const train: LabelledItem[] = [];
  const test: LabelledItem[] = [];
  for (const l of items) {
    const r = rank.get(l.sectionId) ?? 0;
    rank.set(l.sectionId, r + 1);
    ((r % 2 === 0) !== flip ? train : test).push(l);
  }
  return { train, test };
}

/** Records as items the way ingest builds them (issuer split off the printed title). */
export function corpusItems(records: LabelledRecord[], zone = 'Asia/Shanghai'): CorpusItem[] {
  return records.map((r, i) => {
    const prefix = r.issuer ? `${r.issuer}：` : '';
    const title = prefix && r.title.startsWith(prefix) ? r.title.slice(prefix.length) : r.title;
    // A fixed "first seen" keeps items deterministic; their times do not matter for sectioning.
    const item = buildItem(
      { sourceId: 'labelled', guid: r.id, title, issuer: r.issuer, outlet: r.outlet, text: r.body, date: r.date },
      '2024-07-15T00:00:00.000Z',
      zone,
    );
    return { item, sectionId: r.section, tocIndex: i, record: r };
  });
}
