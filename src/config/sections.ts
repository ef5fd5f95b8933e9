/**
 * The shipped section rule data (src/section/rule-data.yaml): named lists,
 * issuer weights and the default sections of 《信息摘编》. Rules are data; this
 * module only reads the file once and merges a configuration over it.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { SectionConfig, SectionOrderKey } from '../types.ts';
import { assetUrl } from '../assets.ts';

/** Named word lists, by name. */
export type NamedLists = Record<string, string[]>;

/** Shared sectioning settings that rules and ordering refer to. */
export interface SectioningData {
  lists: NamedLists;
  issuerWeights: Record<string, number>;
}

interface RuleDataFile extends SectioningData {
  sections: SectionConfig[];
}

let shipped: RuleDataFile | null = null;

/**
 * The rule data as parsed: the bundle ships it as JSON (scripts/build.mjs), as
 * parsing the YAML took ~35 ms of every command's start-up; the sources read the YAML.
 */
function readRuleData(): Partial<RuleDataFile> {
  try {
    return JSON.parse(readFileSync(assetUrl('section/rule-data.json'), 'utf8')) as Partial<RuleDataFile>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return parseYaml(readFileSync(assetUrl('section/rule-data.yaml'), 'utf8')) as Partial<RuleDataFile>;
  }
}

/** The shipped rule data, read once (it ships with the code, like a module). */
function ruleData(): RuleDataFile {
  if (!shipped) {
    const raw = readRuleData();
    if (!raw?.lists || !raw.sections || !raw.issuerWeights)
      throw new Error('src/section/rule-data.yaml must have lists, issuerWeights and sections');
    shipped = { lists: raw.lists, issuerWeights: raw.issuerWeights, sections: raw.sections };
  }
  return shipped;
}

/** The default sections (热点关注, 行业动向, 国际视野, 国内动态) with their rules; a fresh copy. */
export function defaultSections(): SectionConfig[] {
  return structuredClone(ruleData().sections);
}

/** The shipped named lists (places, foreign-media, central-bodies, sectors …); a fresh copy. */
export function shippedLists(): NamedLists {
  return structuredClone(ruleData().lists);
}

/** The shipped issuer weights. */
export function shippedIssuerWeights(): Record<string, number> {
  return { ...ruleData().issuerWeights };
}

/** The default order inside a section: issuer weight, then date. */
export const DEFAULT_ORDER: SectionOrderKey[] = ['issuer', 'date'];

/** Configured lists and weights laid over the shipped ones (a configured list replaces a shipped list of the same name). */
export function resolveSectioningData(configured: Partial<SectioningData> = {}): SectioningData {
  return {
    lists: { ...shippedLists(), ...configured.lists },
    issuerWeights: { ...shippedIssuerWeights(), ...configured.issuerWeights },
  };
}

/** Rule fields that name lists (checked against the known lists). */
export const LIST_FIELDS = ['issuerLists', 'issuerPatternLists', 'titlePatternLists', 'keywordLists', 'outletLists'] as const;
/** Rule fields holding regular expressions (checked to compile). */
export const PATTERN_FIELDS = ['issuerPatterns', 'titlePatterns', 'outletPatterns'] as const;

/**
 * Problems in configured rules: unknown list names and invalid regular
 * expressions, each naming `sections.<id>.rules.<rule id>`. Empty when fine.
 */
export function checkRules(sections: SectionConfig[], lists: NamedLists): string[] {
  const problems: string[] = [];
  for (const s of sections) {
    for (const rule of s.rules) {
      const where = `sections.${s.id}.rules.${rule.id}`;
      for (const cond of [rule, ...(rule.unless ?? [])]) {
        for (const field of LIST_FIELDS) {
          for (const name of cond[field] ?? []) {
            if (!lists[name])
              problems.push(`${where}: ${field} names an unknown list "${name}" (known: ${Object.keys(lists).sort().join(', ')})`);
          }
        }
        const patterns = [
          ...PATTERN_FIELDS.flatMap((f) => cond[f] ?? []),
          ...[...(cond.titlePatternLists ?? []), ...(cond.issuerPatternLists ?? [])].flatMap((n) => lists[n] ?? []),
        ];
        for (const p of patterns) {
          try {
            new RegExp(p, 'u');
          } catch (err) {
            problems.push(`${where}: bad pattern ${JSON.stringify(p)} (${(err as Error).message})`);
          }
        }
      }
    }
  }
  return problems;
}
