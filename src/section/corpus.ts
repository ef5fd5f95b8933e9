/**
 * The labelled sectioning set (tests/fixtures/sections/labelled.jsonl, pure):
 * bulletin items with the section the seed's editors would give them, a
 * frozen test split fixed by a hash of each id, and deterministic folds for
 * cross-validation of the rest. Shared by the tests and bench/sections.bench.ts
 * so both report the same figures. Records become items in ingest
 * (`corpusItems` in ingest/labelled.ts), the way ingest builds every item.
 */
import { createHash } from 'node:crypto';
import type { LabelledItem } from '../types.ts';

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
      if (!r.id || !r.title || !r.section || (r.split !== 'frozen' && r.split !== 'train'))
        throw new Error(`labelled.jsonl line ${n}: needs id, title, section and split frozen|train`);
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
    for (const [i, id] of sorted.entries()) out.set(id, i < Math.ceil(ids.length / 4) ? 'frozen' : 'train');
  }
  return out;
}

/** The cross-validation fold (0…k−1) of an id: a hash, so folds never depend on line order. */
export function foldOf(id: string, k: number): number {
  return Number.parseInt(createHash('sha256').update(`fold:${id}`).digest('hex').slice(0, 8), 16) % k;
}
