/**
 * Order inside a section (pure): editor-pinned items first, then the
 * configured keys (default: issuer weight, then date), then id for stability.
 */
import type { IssueItem, SectionOrderKey } from '../types.ts';
import { itemTime } from './select.ts';

const collator = new Intl.Collator('zh-CN');

type Compare = (a: IssueItem, b: IssueItem) => number;

/** Milliseconds, so times written with different offsets compare correctly. */
const time = (i: IssueItem) => Date.parse(itemTime(i));

function byKey(key: SectionOrderKey, weights: Record<string, number>): Compare {
  switch (key) {
    case 'issuer':
      return (a, b) => (weights[b.issuer ?? ''] ?? 0) - (weights[a.issuer ?? ''] ?? 0);
    case 'date':
      return (a, b) => time(a) - time(b);
    case 'date-desc':
      return (a, b) => time(b) - time(a);
    case 'title':
      return (a, b) => collator.compare(a.title, b.title);
  }
}

/** A comparator for the items of one section. */
export function sectionOrder(keys: SectionOrderKey[], weights: Record<string, number>, pinned: ReadonlySet<string>): Compare {
  const compares = keys.map((k) => byKey(k, weights));
  return (a, b) => {
    const p = Number(pinned.has(b.id)) - Number(pinned.has(a.id));
    if (p) return p;
    for (const c of compares) {
      const r = c(a, b);
      if (r) return r;
    }
    return a.id.localeCompare(b.id);
  };
}
