/**
 * Features of an item for the learned classifier (pure). Chinese has no
 * spaces, so headlines are cut into words with `Intl.Segmenter` and, to be
 * robust to its choices, into character bigrams too. Who speaks (issuer),
 * where it was reported (outlet) and which named lists the item touches are
 * features as well; the start of the body adds weaker evidence.
 *
 * Every feature is a string with a kind prefix so an explanation can say what
 * it is: `w:` headline word, `c:` headline bigram, `i:` issuer, `o:` outlet,
 * `il:` issuer in a named list, `kl:` headline keyword from a named list,
 * `b:` body word.
 */
import type { ReasonTexts } from './reasons.ts';
import type { ClassifiableItem } from '../types.ts';
import type { NamedLists } from '../config/index.ts';

export type { ClassifiableItem } from '../types.ts';

/** A feature and how much it counts. */
export type Features = Map<string, number>;

/** Tunables of feature extraction. */
export interface FeatureOptions {
  /** Characters of the body read (0: none). */
  bodyChars: number;
  /** Weight of a body word relative to a headline word. */
  bodyWeight: number;
  /** Weight of who and where: issuer, issuer lists, outlet. */
  sourceWeight: number;
  /** Weight of a named list touched by the headline. */
  listWeight: number;
}

/** Defaults, chosen by cross-validation on a training split (bench/sections.bench.ts). */
export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = { bodyChars: 160, bodyWeight: 0.25, sourceWeight: 8, listWeight: 8 };

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+/gu;

/** Word-like segments, lowercased, numbers folded to `#` (a count is not a topic). */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text)) {
    if (!s.isWordLike) continue;
    const w = s.segment.toLowerCase();
    if (/^[\d.,%]+$/.test(w)) continue;
    // A single Han character carries little meaning on its own; bigrams cover it.
    if (w.length === 1 && HAN.test(w)) continue;
    out.push(w);
  }
  return out;
}

/** Han character bigrams of each run of Han characters. */
export function bigrams(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(HAN_RUN) ?? []) {
    for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  }
  return out;
}

function add(f: Features, key: string, weight: number): void {
  f.set(key, (f.get(key) ?? 0) + weight);
}

/**
 * An index from words to the named lists they belong to, so list features
 * cost one pass over the lists per build, not per item.
 */
export interface ListIndex {
  /** List names by exact member (issuer lookup). */
  members: Map<string, string[]>;
  /** Keyword members by first character (headline scan). */
  byFirstChar: Map<string, { word: string; list: string }[]>;
}

/** Build the index of named lists (only plain-word lists; regular-expression lists are skipped by shape). */
export function indexLists(lists: NamedLists): ListIndex {
  const members = new Map<string, string[]>();
  const byFirstChar = new Map<string, { word: string; list: string }[]>();
  for (const [list, values] of Object.entries(lists)) {
    for (const word of values) {
      if (!word || /[\\^$()[\]|*+?{}]/.test(word)) continue;
      members.set(word, [...(members.get(word) ?? []), list]);
      const first = word[0]!;
      byFirstChar.set(first, [...(byFirstChar.get(first) ?? []), { word, list }]);
    }
  }
  return { members, byFirstChar };
}

/** Named lists that have a word occurring in `text`, with the first such word. */
function listsIn(text: string, index: ListIndex): Map<string, string> {
  const found = new Map<string, string>();
  for (let i = 0; i < text.length; i++) {
    for (const { word, list } of index.byFirstChar.get(text[i]!) ?? []) {
      if (!found.has(list) && text.startsWith(word, i)) found.set(list, word);
    }
  }
  return found;
}

/**
 * The features of one item. When `matched` is given it receives, for list
 * features, the word that matched (`光伏` for `kl:sectors`), for the reason.
 */
export function itemFeatures(
  item: ClassifiableItem,
  index: ListIndex,
  opts: FeatureOptions = DEFAULT_FEATURE_OPTIONS,
  matched?: Map<string, string>,
): Features {
  const f: Features = new Map();
  const issuer = item.issuer?.trim() || null;
  const issuerLists = (issuer && index.members.get(issuer)) || [];
  // A known body (工信部, 北京 …) says who speaks; any other prefix (解读6月份PMI数据：…) is part of what the headline says.
  const headline = issuer && !issuerLists.length ? `${issuer}：${item.title}` : item.title;
  for (const w of words(headline)) add(f, `w:${w}`, 1);
  for (const b of bigrams(headline)) add(f, `c:${b}`, 1);
  add(f, issuer ? `i:${issuer}` : 'i:(none)', opts.sourceWeight);
  for (const list of issuerLists) add(f, `il:${list}`, opts.sourceWeight);
  if (item.outlet) add(f, `o:${item.outlet.trim()}`, opts.sourceWeight);
  for (const [list, word] of listsIn(headline, index)) {
    add(f, `kl:${list}`, opts.listWeight);
    matched?.set(`kl:${list}`, word);
  }
  if (opts.bodyChars > 0 && opts.bodyWeight > 0) {
    // Bigrams, not words: segmenting bodies would cost most of the training time.
    for (const b of bigrams(item.text.slice(0, opts.bodyChars))) add(f, `b:${b}`, opts.bodyWeight);
  }
  return f;
}

/** A feature as an editor reads it in a reason, in the reasons' language (reasons.ts). */
export function describeFeature(key: string, texts: ReasonTexts, word?: string): string {
  const at = key.indexOf(':');
  return texts.feature(key.slice(0, at), key.slice(at + 1), word);
}
