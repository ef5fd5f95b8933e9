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

/** A place's rank: its index in `placeOrder`, unlisted places after all listed ones. */
function placeRank(placeOrder: readonly string[]): (i: IssueItem) => number {
  const rank = new Map(placeOrder.map((p, k) => [p, k]));
  return (i) => rank.get(i.issuer ?? '') ?? placeOrder.length;
}

function byKey(key: SectionOrderKey, weights: Record<string, number>, placeOrder: readonly string[]): Compare {
  switch (key) {
    case 'place': {
      const rank = placeRank(placeOrder);
      // Same rank (two unlisted places): by name, so each place's items still stay together.
      return (a, b) => rank(a) - rank(b) || collator.compare(a.issuer ?? '', b.issuer ?? '');
    }
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

/** A comparator for the items of one section; `placeOrder` ranks places for the `place` key. */
export function sectionOrder(
  keys: SectionOrderKey[],
  weights: Record<string, number>,
  pinned: ReadonlySet<string>,
  placeOrder: readonly string[] = [],
): Compare {
  const compares = keys.map((k) => byKey(k, weights, placeOrder));
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
