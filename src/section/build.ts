/**
 * The section stage (pure): place selected items into sections, apply the
 * editors' overrides, order and cap each section, and assemble the Issue.
 */
import type { Issue, IssueItem, IssueNumber, IssueSection, Item, Override, Placement, SectionConfig } from '../types.ts';
import { compileRules, placeByRules } from './rules.ts';
import { itemTime } from './select.ts';

/** Everything the pure build needs; no I/O, no clock. */
export interface BuildInput {
  date: string;
  title: string;
  numbering: IssueNumber;
  /** ISO cut-off; also the window's end when there are no items. */
  cutoff: string;
  /** Window start when there are no items (cutoff − maxAgeDays). */
  windowStart: string;
  items: Item[];
  sections: SectionConfig[];
  overrides: Map<string, Override>;
  /** Optional fallback placement (the learned classifier) for items no rule decides. */
  fallback?: (item: Item) => Placement | null;
}

/** Decide where one item goes: override, then editor pin, then rules (then fallback). */
export function placeItem(item: Item, sections: SectionConfig[], rules: ReturnType<typeof compileRules>, override: Override | undefined, fallback?: BuildInput['fallback']): Placement {
  const known = (id: string | null) => id !== null && sections.some((s) => s.id === id);
  if (override?.excluded) return { sectionId: null, reason: 'excluded by an editor' };
  if (override?.sectionId && known(override.sectionId)) return { sectionId: override.sectionId, reason: 'moved here by an editor' };
  if (item.pinnedSection && known(item.pinnedSection)) return { sectionId: item.pinnedSection, reason: 'section given in the editor item (front matter section:)' };
  const byRules = placeByRules(item, rules);
  // A catch-all is not decisive: let the learned classifier try first.
  if (fallback && (byRules.sectionId === null || byRules.reason.includes('no other rule matched'))) {
    const learned = fallback(item);
    if (learned?.sectionId) return learned;
  }
  return byRules;
}

function byPinThenTime(pinned: Set<string>) {
  return (a: IssueItem, b: IssueItem) =>
    Number(pinned.has(b.id)) - Number(pinned.has(a.id)) || itemTime(a).localeCompare(itemTime(b)) || a.id.localeCompare(b.id);
}

/** Build the issue. Item positions number the items 1…n in issue order. */
export function buildIssue(input: BuildInput): Issue {
  const rules = compileRules(input.sections);
  const buckets = new Map<string, IssueItem[]>(input.sections.map((s) => [s.id, []]));
  const unplaced: IssueItem[] = [];
  const pinned = new Set<string>();
  for (const item of input.items) {
    const override = input.overrides.get(item.id);
    if (override?.pinnedFirst) pinned.add(item.id);
    const placement = placeItem(item, input.sections, rules, override, input.fallback);
    const issueItem: IssueItem = { ...item, reason: placement.reason, position: 0 };
    if (placement.sectionId) buckets.get(placement.sectionId)!.push(issueItem);
    else unplaced.push(issueItem);
  }
  let position = 0;
  const sections: IssueSection[] = input.sections.map((s) => {
    const all = buckets.get(s.id)!.sort(byPinThenTime(pinned));
    const items = s.cap ? all.slice(0, s.cap) : all;
    for (const item of items) item.position = ++position;
    return { id: s.id, title: s.title, items, overflow: s.cap ? all.slice(s.cap) : [] };
  });
  const times = sections.flatMap((s) => s.items.map(itemTime)).sort();
  return {
    date: input.date,
    title: input.title,
    numbering: input.numbering,
    window: { from: times[0] ?? input.windowStart, to: times.at(-1) ?? input.cutoff },
    cutoff: input.cutoff,
    sections,
    unplaced,
  };
}
