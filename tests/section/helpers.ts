/**
 * Fixtures for the section tests: items built the way ingest builds them, and
 * a build input with fixed dates.
 */
import { buildItem, type EntryInput } from '../../src/ingest/item.ts';
import type { BuildInput } from '../../src/section/build.ts';
import type { Issue, Item, SectionConfig } from '../../src/types.ts';

const SEEN = '2024-07-15T00:00:00.000Z';

/** An item from a headline like the seed's (`issuer：title`) and optional fields. */
export function item(title: string, extra: Partial<EntryInput> = {}): Item {
  return buildItem(
    { sourceId: 'test', title, text: extra.text ?? `${title}。正文。`, date: '2024-07-14', guid: title, ...extra },
    SEEN,
    'Asia/Shanghai',
  );
}

/** A build input for 2024-07-15 with no overrides. */
export function input(items: Item[], sections: SectionConfig[], extra: Partial<BuildInput> = {}): BuildInput {
  return {
    date: '2024-07-15',
    title: '信息摘编',
    numbering: { year: 2024, number: 7, totalNumber: 37 },
    cutoff: '2024-07-15T07:00:00.000+08:00',
    windowStart: '2024-07-12T07:00:00.000+08:00',
    items,
    sections,
    overrides: new Map(),
    // These tests read reasons in English; tests/section/reasons.test.ts checks both languages.
    language: 'en',
    ...extra,
  };
}

/** Where each item went: headline → [section id, reason]. */
export function placements(issue: Issue): Map<string, [string | null, string]> {
  const out = new Map<string, [string | null, string]>();
  for (const s of issue.sections) for (const i of s.items) out.set(i.title, [s.id, i.reason]);
  for (const i of issue.unplaced) out.set(i.title, [null, i.reason]);
  return out;
}
