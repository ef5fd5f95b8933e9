/**
 * The section stage (pure): place selected items into sections, apply the
 * editors' overrides, order and cap each section, and assemble the Issue.
 *
 * Who decides, in order: an editor's override (exclude / move), the editor
 * item's own `section:` front matter, a decisive rule, and otherwise the
 * learned classifier — which overrules a non-decisive rule only when it is
 * confident, and gives its best guess (saying so) when no rule applies.
 */
import type { Issue, IssueItem, IssueNumber, IssueSection, Item, Override, Placement, SectionConfig, SectionOrderKey } from '../types.ts';
import { DEFAULT_ORDER, resolveSectioningData, type NamedLists } from '../config/index.ts';
import { sectionOrder } from './order.ts';
import { compileRules, disputeKey, placeByRules, type CompiledRules } from './rules.ts';
import { reasonTexts, type ReasonTexts } from './reasons.ts';
import { itemTime } from './select.ts';

/** What the learned classifier says about an item. */
export interface LearnedPlacement {
  sectionId: string;
  /** Probability of its choice, 0…1. */
  confidence: number;
  /** True when the confidence reaches the configured threshold. */
  confident: boolean;
  /** The second-best section and its probability. */
  runnerUp?: { sectionId: string; confidence: number };
  /** e.g. `classifier naive-bayes 0.93 (国际视野; top features: 出口, 海外, 中企)`. */
  reason: string;
}

/** The learned classifier as the build sees it. */
export type Fallback = (item: Item) => LearnedPlacement | null;

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
  /** Named lists the rules refer to (default: the shipped lists). */
  lists?: NamedLists;
  /** Default order inside a section (default: issuer weight, then date). */
  order?: SectionOrderKey[];
  /** Issuer weights for the `issuer` order key (default: the shipped weights). */
  issuerWeights?: Record<string, number>;
  /** The learned classifier, for items no rule decides. */
  fallback?: Fallback;
  /** Decisive rules editors have corrected, per issuer (disputedRules): hints from now on. */
  disputedRules?: ReadonlySet<string>;
  /** `publication.language`: the language of the placement reasons (default zh-CN). */
  language?: string;
}

/** The id of a section named by id or by title (editors write either), or null. */
export function findSection(sections: SectionConfig[], name: string | null | undefined): string | null {
  const n = name?.trim();
  if (!n) return null;
  return (sections.find((s) => s.id === n) ?? sections.find((s) => s.title === n))?.id ?? null;
}

/** When a placement is flagged for an editor's review (see placeItem). */
export interface ReviewThresholds {
  /**
   * How sure the classifier must be to contradict a decisive rule before the
   * item is flagged (above 1: never). Decisive rules state editorial policy
   * and are right far more often than the classifier.
   */
  againstDecisiveRule: number;
  /** A confident overrule of a non-decisive rule is flagged below this confidence. */
  overrule: number;
}

/** Optional knobs of placeItem. */
export interface PlaceOptions {
  thresholds?: ReviewThresholds;
  /** Decisive rules editors have corrected, per issuer (rules.ts disputedRules). */
  disputed?: ReadonlySet<string> | undefined;
  /** The language of the reason (reasons.ts; default zh-CN). */
  texts?: ReasonTexts;
}

/** Chosen by k-fold cross-validation on the training split (bench/sections.bench.ts). */
export const DEFAULT_REVIEW: ReviewThresholds = { againstDecisiveRule: 0.95, overrule: 0.95 };

/**
 * Decide where one item goes and why. A placement the machine is unsure of
 * carries `review` and the runner-up section: the classifier decided below
 * its confidence threshold, or it and a rule disagree.
 */
export function placeItem(
  item: Item,
  sections: SectionConfig[],
  rules: CompiledRules,
  override: Override | undefined,
  fallback?: Fallback,
  options: PlaceOptions = {},
): Placement {
  const thresholds = options.thresholds ?? DEFAULT_REVIEW;
  const t = options.texts ?? reasonTexts();
  if (override?.excluded) return { sectionId: null, reason: t.excluded };
  const moved = findSection(sections, override?.sectionId);
  if (moved) return { sectionId: moved, reason: t.moved };
  const given = findSection(sections, item.pinnedSection);
  if (given) return { sectionId: given, reason: t.givenSection };
  // An editor's choice that names no configured section must not vanish silently: say so in the reason.
  const note = override?.sectionId ? t.staleOverride(override.sectionId) : item.pinnedSection ? t.staleFrontMatter(item.pinnedSection) : '';
  const ruled = placeByRules(item, rules, t);
  // A decisive rule editors corrected for this issuer is only a hint now: the classifier learned the corrections.
  const disputed = ruled.decisive && ruled.ruleId !== null && !!fallback && !!options.disputed?.has(disputeKey(ruled.ruleId, item.issuer));
  const verdict = disputed ? { ...ruled, decisive: false, reason: t.rule(ruled.ruleId!, ruled.why, true) } : ruled;
  if (!fallback) return { sectionId: verdict.sectionId, reason: note + verdict.reason };
  const learned = fallback(item);
  const known = learned && findSection(sections, learned.sectionId) ? learned : null;
  if (verdict.decisive) {
    // The rule stands; a near-certain contradiction by the classifier is worth an editor's look.
    const doubt = known && verdict.sectionId && known.sectionId !== verdict.sectionId && known.confidence >= thresholds.againstDecisiveRule;
    return doubt
      ? {
          sectionId: verdict.sectionId,
          reason: note + t.disagrees(verdict.reason, known.reason),
          review: true,
          runnerUp: known.sectionId,
        }
      : { sectionId: verdict.sectionId, reason: note + verdict.reason };
  }
  if (!known) return { sectionId: verdict.sectionId, reason: note + verdict.reason };
  if (verdict.sectionId === null || verdict.catchAll) {
    if (known.confident) return { sectionId: known.sectionId, reason: note + known.reason };
    const runnerUp = known.runnerUp?.sectionId;
    return {
      sectionId: known.sectionId,
      reason: note + t.guess(known.reason),
      review: true,
      ...(runnerUp ? { runnerUp } : {}),
    };
  }
  if (known.sectionId === verdict.sectionId) return { sectionId: verdict.sectionId, reason: note + t.agrees(verdict.reason, known.reason) };
  if (known.confident) {
    const reason = note + t.overrules(known.reason, verdict.reason);
    return known.confidence < thresholds.overrule
      ? { sectionId: known.sectionId, reason, review: true, runnerUp: verdict.sectionId }
      : { sectionId: known.sectionId, reason };
  }
  return {
    sectionId: verdict.sectionId,
    reason: note + t.notConfident(verdict.reason, known.reason),
    review: true,
    runnerUp: known.sectionId,
  };
}

/** Build the issue. Item positions number the items 1…n in issue order. */
export function buildIssue(input: BuildInput): Issue {
  const data = input.lists && input.issuerWeights ? null : resolveSectioningData();
  const rules = compileRules(input.sections, input.lists ?? data!.lists);
  const texts = reasonTexts(input.language);
  const options = { disputed: input.disputedRules, texts };
  const weights = input.issuerWeights ?? data!.issuerWeights;
  const lists = input.lists ?? data!.lists;
  const placeOrder = lists['place-order'] ?? lists.places ?? [];
  const buckets = new Map<string, IssueItem[]>(input.sections.map((s) => [s.id, []]));
  const unplaced: IssueItem[] = [];
  const pinned = new Set<string>();
  for (const item of input.items) {
    const override = input.overrides.get(item.id);
    if (override?.pinnedFirst) pinned.add(item.id);
    const placement = placeItem(item, input.sections, rules, override, input.fallback, options);
    const issueItem: IssueItem = { ...item, reason: placement.reason, position: 0 };
    if (placement.review) {
      issueItem.review = true;
      if (placement.runnerUp) issueItem.runnerUp = placement.runnerUp;
    }
    if (placement.sectionId) buckets.get(placement.sectionId)!.push(issueItem);
    else unplaced.push(issueItem);
  }
  let position = 0;
  const sections: IssueSection[] = input.sections.map((s) => {
    const all = buckets.get(s.id)!.sort(sectionOrder(s.order ?? input.order ?? DEFAULT_ORDER, weights, pinned, placeOrder));
    const items = s.cap ? all.slice(0, s.cap) : all;
    for (const item of items) item.position = ++position;
    // Over the cap: reported with the issue and left for the next one, never dropped.
    const overflow = s.cap ? all.slice(s.cap).map((i) => ({ ...i, reason: texts.overCap(i.reason, s.cap!, s.title) })) : [];
    return { id: s.id, title: s.title, items, overflow };
  });
  const times = sections.flatMap((s) => s.items.map(itemTime)).sort((a, b) => Date.parse(a) - Date.parse(b));
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
