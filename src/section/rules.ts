/**
 * Rule matching (pure): which configured rule places an item, and why.
 * Rules are data (config `sections[].rules`, shipped defaults in
 * rule-data.yaml). The highest priority match wins, ties go to the earlier
 * section; a rule with no condition is a catch-all used only when nothing
 * else matches. Non-decisive rules and catch-alls leave room for the learned
 * classifier (see build.ts).
 */
import type { Item, SectionCondition, SectionConfig, SectionRule } from '../types.ts';
import type { NamedLists } from '../config/index.ts';
import { reasonTexts, type ReasonTexts } from './reasons.ts';

/** A word or pattern and the named list it came from (for the reason). */
interface Entry<T> {
  value: T;
  list: string | null;
}

/** A condition with its lists resolved and patterns compiled once. */
interface CompiledCondition {
  issuers: Map<string, string | null> | null;
  issuerRes: Entry<RegExp>[];
  titleRes: Entry<RegExp>[] | null;
  keywords: Entry<string>[] | null;
  inText: boolean;
  minHits: number;
  sources: Set<string> | null;
  outlets: Map<string, string | null> | null;
  outletRes: Entry<RegExp>[];
}

interface CompiledRule {
  sectionId: string;
  rule: SectionRule;
  order: number;
  when: CompiledCondition;
  unless: CompiledCondition[];
  catchAll: boolean;
  priority: number;
  decisive: boolean;
}

/** Rules of all sections, compiled for repeated matching. */
export type CompiledRules = CompiledRule[];

/** What the rules say about one item. */
export interface RuleVerdict {
  sectionId: string | null;
  /** `rule <id> (<why>)`, or why nothing matched, in the reasons' language. */
  reason: string;
  /** What matched (for a rule), so the reason can be said again (a disputed rule). */
  why: string[];
  ruleId: string | null;
  /** False for catch-alls, non-decisive rules and no match: the classifier may decide. */
  decisive: boolean;
  catchAll: boolean;
}

/** Rule fields that name lists, and the kind of list they expect. */

function lookup(lists: NamedLists, name: string): string[] {
  const list = lists[name];
  if (!list) throw new Error(`unknown list "${name}"`);
  return list;
}

function entries(direct: string[] | undefined, names: string[] | undefined, lists: NamedLists): Entry<string>[] {
  return [
    ...(direct ?? []).map((value) => ({ value, list: null })),
    ...(names ?? []).flatMap((n) => lookup(lists, n).map((value) => ({ value, list: n }))),
  ];
}

function toMap(list: Entry<string>[]): Map<string, string | null> | null {
  if (!list.length) return null;
  const map = new Map<string, string | null>();
  for (const e of list) if (!map.has(e.value)) map.set(e.value, e.list);
  return map;
}

const regex = (e: Entry<string>): Entry<RegExp> => ({ value: new RegExp(e.value, 'u'), list: e.list });

function compileCondition(c: SectionCondition, lists: NamedLists): CompiledCondition {
  const title = entries(c.titlePatterns, c.titlePatternLists, lists).map(regex);
  const keywords = entries(c.keywords, c.keywordLists, lists);
  return {
    issuers: toMap(entries(c.issuers, c.issuerLists, lists)),
    issuerRes: entries(c.issuerPatterns, c.issuerPatternLists, lists).map(regex),
    titleRes: title.length ? title : null,
    keywords: keywords.length ? keywords : null,
    inText: !!c.inText,
    minHits: c.minHits ?? 1,
    sources: c.sources?.length ? new Set(c.sources) : null,
    outlets: toMap(entries(c.outlets, c.outletLists, lists)),
    outletRes: (c.outletPatterns ?? []).map((value) => regex({ value, list: null })),
  };
}

function isEmpty(c: CompiledCondition): boolean {
  return !c.issuers && !c.issuerRes.length && !c.titleRes && !c.keywords && !c.sources && !c.outlets && !c.outletRes.length;
}

/** Compile the rules of the configured sections against the named lists. */
export function compileRules(sections: SectionConfig[], lists: NamedLists): CompiledRules {
  let order = 0;
  return sections.flatMap((s) =>
    s.rules.map((rule) => {
      const when = compileCondition(rule, lists);
      const catchAll = isEmpty(when);
      return {
        sectionId: s.id,
        rule,
        order: order++,
        when,
        unless: (rule.unless ?? []).map((u) => compileCondition(u, lists)),
        catchAll,
        priority: catchAll ? -Infinity : (rule.priority ?? 0),
        decisive: !catchAll && rule.decisive !== false,
      };
    }),
  );
}

/** Count keyword occurrences in `hay`, up to `enough`. */
function hits(hay: string, word: string, enough: number): number {
  let n = 0;
  for (let i = hay.indexOf(word); i >= 0 && n < enough; i = hay.indexOf(word, i + word.length)) n++;
  return n;
}

/** The headline as printed: `issuer：title` (a prefix that is not a known body is still part of what readers see). */
export function fullHeadline(item: Pick<Item, 'issuer' | 'title'>): string {
  return item.issuer ? `${item.issuer}：${item.title}` : item.title;
}

/** Why a condition holds for the item, or null if it does not. */
function matchCondition(c: CompiledCondition, item: Item, t: ReasonTexts): string[] | null {
  const why: string[] = [];
  const issuer = item.issuer ?? '';
  const headline = fullHeadline(item);
  if (c.issuers || c.issuerRes.length) {
    if (c.issuers?.has(issuer)) why.push(t.issuer(issuer, c.issuers.get(issuer)!));
    else {
      const re = issuer ? c.issuerRes.find((r) => r.value.test(issuer)) : undefined;
      if (!re) return null;
      why.push(t.issuerPattern(issuer, re.value.source, re.list));
    }
  }
  if (c.titleRes) {
    const re = c.titleRes.find((r) => r.value.test(headline));
    if (!re) return null;
    why.push(t.titlePattern(re.value.source, re.list));
  }
  if (c.keywords) {
    const hay = c.inText ? `${headline}\n${item.text}` : headline;
    let total = 0;
    let first: Entry<string> | null = null;
    for (const k of c.keywords) {
      const n = hits(hay, k.value, c.minHits - total);
      if (n && !first) first = k;
      total += n;
      if (total >= c.minHits) break;
    }
    if (!first || total < c.minHits) return null;
    why.push(t.keyword(first.value, first.list, c.minHits));
  }
  if (c.sources) {
    if (!c.sources.has(item.sourceId)) return null;
    why.push(t.source(item.sourceId));
  }
  if (c.outlets || c.outletRes.length) {
    const outlet = item.outlet ?? '';
    if (c.outlets?.has(outlet)) why.push(t.outlet(outlet, c.outlets.get(outlet)!));
    else {
      const re = outlet ? c.outletRes.find((r) => r.value.test(outlet)) : undefined;
      if (!re) return null;
      why.push(t.outletPattern(outlet, re.value.source));
    }
  }
  return why;
}

/** Why a rule applies to the item, or null if it does not. */
function matchRule(c: CompiledRule, item: Item, t: ReasonTexts): string[] | null {
  if (c.catchAll) return [t.catchAll];
  const why = matchCondition(c.when, item, t);
  if (!why || c.unless.some((u) => matchCondition(u, item, t))) return null;
  return why;
}

/** Place an item by the rules alone; the reason in the language of `texts` (reasons.ts). */
export function placeByRules(item: Item, rules: CompiledRules, texts: ReasonTexts = reasonTexts()): RuleVerdict {
  let best: { c: CompiledRule; why: string[] } | null = null;
  for (const c of rules) {
    if (best && (c.priority < best.c.priority || (c.priority === best.c.priority && c.order > best.c.order))) continue;
    const why = matchRule(c, item, texts);
    if (why !== null) best = { c, why };
  }
  if (!best)
    return {
      sectionId: null,
      reason: texts.noRule,
      why: [],
      ruleId: null,
      decisive: false,
      catchAll: false,
    };
  const { c, why } = best;
  return {
    sectionId: c.sectionId,
    reason: texts.rule(c.rule.id, why, false),
    why,
    ruleId: c.rule.id,
    decisive: c.decisive,
    catchAll: c.catchAll,
  };
}

/** The key of a dispute: a rule as it applies to one issuer (`hot.macro-data 海关总署`). */
export function disputeKey(ruleId: string, issuer: string | null | undefined): string {
  return `${ruleId} ${issuer?.trim() || '(no issuer)'}`;
}

/**
 * Decisive rules that editors have corrected, each for the issuer of the
 * corrected item: for each correction, the rule that would place the item
 * elsewhere. For that issuer the rule becomes a hint (placeItem), so the
 * classifier — which learned from the corrections — can overrule it when
 * confident. Scoped to the issuer because a rule wrong about one body (a
 * federation's monthly index) is usually right about the rest. One corrected
 * issue is then enough to fix a systematic confusion a decisive rule causes.
 */
export function disputedRules(
  corrections: { item: Pick<Item, 'title' | 'issuer' | 'outlet' | 'text'>; sectionId: string }[],
  rules: CompiledRules,
): Set<string> {
  const out = new Set<string>();
  for (const c of corrections) {
    // Corrections keep the fields rules read except the source, which only non-decisive rules use.
    const verdict = placeByRules({ sourceId: '', ...c.item } as Item, rules);
    if (verdict.decisive && verdict.ruleId && verdict.sectionId !== c.sectionId) out.add(disputeKey(verdict.ruleId, c.item.issuer));
  }
  return out;
}
