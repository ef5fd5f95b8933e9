/**
 * The labelled sectioning set (tests/fixtures/sections/labelled.jsonl, pure):
 * bulletin items with the section the seed's editors would give them, a
 * frozen test split fixed by a hash of each id, and deterministic folds for
 * cross-validation of the rest. Shared by the tests and bench/sections.bench.ts
 * so both report the same figures.
 */
import { createHash } from 'node:crypto';
import { buildItem } from '../ingest/item.ts';
import type { LabelledItem } from './labelled.ts';

/** One line of labelled.jsonl. */
export interface LabelledRecord {
  id: string;
  /** As printed: `发布机构：标题`. */
  title: string;
  issuer: string | null;
  outlet: string | null;
  date: string;
  /** Lead paragraph. */
  body: string;
  /** Section id. */
  section: string;
  /** The editorial reason, one line. */
  why: string;
  /** `seed-000` … or `written`. */
  origin: string;
  split: 'frozen' | 'train';
}

/** A labelled item with the record it came from. */
export interface CorpusItem extends LabelledItem {
  record: LabelledRecord;
}

/** Parse labelled.jsonl; a malformed line names its number. */
export function parseLabelledJsonl(content: string): LabelledRecord[] {
  return content
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line)
    .map(([line, n]) => {
      const r = JSON.parse(line) as LabelledRecord;
      if (!r.id || !r.title || !r.section || (r.split !== 'frozen' && r.split !== 'train')) throw new Error(`labelled.jsonl line ${n}: needs id, title, section and split frozen|train`);
      return r;
    });
}

/** The id of an item from its printed title (so ids stay stable when lines move). */
export function recordId(printedTitle: string): string {
  return `l-${createHash('sha256').update(printedTitle).digest('hex').slice(0, 10)}`;
}

const splitHash = (id: string) => createHash('sha256').update(`split:${id}`).digest('hex');

/**
 * Which records are frozen: inside each section, the quarter (rounded up)
 * with the smallest hash of `split:<id>`. Stratified so that every section
 * has frozen items; decided by the hash alone so nobody picks them.
 */
export function assignSplit(records: Pick<LabelledRecord, 'id' | 'section'>[]): Map<string, 'frozen' | 'train'> {
  const out = new Map<string, 'frozen' | 'train'>();
  const bySection = new Map<string, string[]>();
  for (const r of records) bySection.set(r.section, [...(bySection.get(r.section) ?? []), r.id]);
  for (const ids of bySection.values()) {
    const sorted = [...ids].sort((a, b) => splitHash(a).localeCompare(splitHash(b)));
    sorted.forEach((id, i) => out.set(id, i < Math.ceil(ids.length / 4) ? 'frozen' : 'train'));
  }
  return out;
}

/** The cross-validation fold (0…k−1) of an id: a hash, so folds never depend on line order. */
export function foldOf(id: string, k: number): number {
  return Number.parseInt(createHash('sha256').update(`fold:${id}`).digest('hex').slice(0, 8), 16) % k;
}

/** Records as items the way ingest builds them (issuer split off the printed title). */
export function corpusItems(records: LabelledRecord[], zone = 'Asia/Shanghai'): CorpusItem[] {
  return records.map((r, i) => {
    const prefix = r.issuer ? `${r.issuer}：` : '';
    const title = prefix && r.title.startsWith(prefix) ? r.title.slice(prefix.length) : r.title;
    // A fixed "first seen" keeps items deterministic; their times do not matter for sectioning.
    const item = buildItem({ sourceId: 'labelled', guid: r.id, title, issuer: r.issuer, outlet: r.outlet, text: r.body, date: r.date }, '2024-07-15T00:00:00.000Z', zone);
    return { item, sectionId: r.section, tocIndex: i, record: r };
  });
}
