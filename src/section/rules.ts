/**
 * Rule matching (pure): which configured rule places an item, and why.
 * Rules are data (config `sections[].rules`); the highest priority match wins,
 * ties go to the earlier section.
 */
import type { Item, Placement, SectionConfig, SectionRule } from '../types.ts';

/** A rule with its patterns compiled once. */
interface CompiledRule {
  sectionId: string;
  rule: SectionRule;
  order: number;
  issuerSet: Set<string> | null;
  issuerRes: RegExp[];
  titleRes: RegExp[];
  catchAll: boolean;
}

/** Rules of all sections, compiled for repeated matching. */
export type CompiledRules = CompiledRule[];

/** Compile the rules of the configured sections. */
export function compileRules(sections: SectionConfig[]): CompiledRules {
  let order = 0;
  return sections.flatMap((s) =>
    s.rules.map((rule) => ({
      sectionId: s.id,
      rule,
      order: order++,
      issuerSet: rule.issuers ? new Set(rule.issuers) : null,
      issuerRes: (rule.issuerPatterns ?? []).map((p) => new RegExp(p, 'u')),
      titleRes: (rule.titlePatterns ?? []).map((p) => new RegExp(p, 'u')),
      catchAll: !rule.issuers && !rule.issuerPatterns && !rule.titlePatterns && !rule.keywords && !rule.sources && !rule.outlets,
    })),
  );
}

/** Why a rule matched, or null if it did not. */
function matchRule(c: CompiledRule, item: Item): string | null {
  const why: string[] = [];
  const issuer = item.issuer ?? '';
  if (c.issuerSet) {
    if (!c.issuerSet.has(issuer)) return null;
    why.push(`issuer ${issuer}`);
  }
  if (c.issuerRes.length) {
    const re = c.issuerRes.find((r) => r.test(issuer));
    if (!re) return null;
    why.push(`issuer ${issuer} ~ /${re.source}/`);
  }
  if (c.titleRes.length) {
    const re = c.titleRes.find((r) => r.test(item.title));
    if (!re) return null;
    why.push(`title ~ /${re.source}/`);
  }
  if (c.rule.keywords) {
    const hay = c.rule.inText ? `${item.title}\n${item.text}` : item.title;
    const word = c.rule.keywords.find((k) => hay.includes(k));
    if (!word) return null;
    why.push(`keyword 「${word}」`);
  }
  if (c.rule.sources) {
    if (!c.rule.sources.includes(item.sourceId)) return null;
    why.push(`source ${item.sourceId}`);
  }
  if (c.rule.outlets) {
    if (!item.outlet || !c.rule.outlets.includes(item.outlet)) return null;
    why.push(`outlet ${item.outlet}`);
  }
  return c.catchAll ? 'no other rule matched' : why.join(', ');
}

/** Place an item by the rules alone. */
export function placeByRules(item: Item, rules: CompiledRules): Placement {
  let best: { c: CompiledRule; why: string } | null = null;
  for (const c of rules) {
    const why = matchRule(c, item);
    if (why === null) continue;
    const p = c.catchAll ? -Infinity : (c.rule.priority ?? 0);
    const bp = best ? (best.c.catchAll ? -Infinity : (best.c.rule.priority ?? 0)) : -Infinity;
    if (!best || p > bp || (p === bp && c.order < best.c.order && !c.catchAll)) best = { c, why };
  }
  if (!best) return { sectionId: null, reason: 'no rule matched and no catch-all rule is configured' };
  return { sectionId: best.c.sectionId, reason: `rule ${best.c.rule.id} (${best.why})` };
}
