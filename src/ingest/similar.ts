/**
 * Near-duplicate detection: the same news from different outlets, with a
 * slightly different headline (`两部门：进一步支持专精特新中小企业高质量发展`
 * vs `财政部 工信部：进一步支持专精特新中小企业高质量发展`). Headlines are
 * compared as sets of character bigrams (which works for Chinese, where there
 * are no word boundaries, and well enough for Latin scripts) by Jaccard
 * similarity, through an inverted index so a new item is compared only with
 * items that could reach the threshold.
 */
import { contentKey } from './normalize/index.ts';

/**
 * Two headlines (issuer + headline, normalized) whose bigram sets have at
 * least this Jaccard similarity report the same event. 0.55 keeps rewordings
 * of one headline together (`两部门：…` vs `财政部 工信部：…` scores 0.65)
 * while different news in the same wording stays apart
 * (`工信部：印发《锂离子电池行业规范条件》` vs `…《光伏制造行业规范条件》`
 * scores 0.45); tests/ingest/dedupe.test.ts checks both sides.
 */
export const NEAR_DUPLICATE_THRESHOLD = 0.55;

/** Items count as the same news only if their times are at most this far apart. */
export const NEAR_DUPLICATE_WINDOW_DAYS = 3;

/** Keys shorter than this (`v3.9.0`, `快讯`) carry too little to compare. */
const MIN_KEY_CHARS = 6;

/** The set of character bigrams of a normalized issuer + headline. */
export function headlineBigrams(issuer: string | null, headline: string): Set<string> {
  const key = contentKey(`${issuer ?? ''}${headline}`);
  const chars = [...key];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  return grams;
}

/** Jaccard similarity of two sets: |A ∩ B| / |A ∪ B|. */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size && !b.size) return 0;
  let shared = 0;
  for (const g of a) if (b.has(g)) shared++;
  return shared / (a.size + b.size - shared);
}

/** What the index needs to know about an item. */
export interface HeadlineEntry {
  id: string;
  sourceId: string;
  outlet: string | null;
  issuer: string | null;
  title: string;
  /** publishedAt, else firstSeenAt (ISO). */
  time: string;
}

interface Indexed {
  entry: HeadlineEntry;
  outletKey: string;
  time: number;
  /** The bigrams as sorted, distinct ranks (see {@link signature}). */
  sig: Uint32Array;
  numbers: string[];
}

/** The numbers a headline cites (`6月份CPI同比上涨0.2%` → 6, 0.2). */
function numbersOf(title: string): string[] {
  return title.match(/\d+(?:\.\d+)?/g) ?? [];
}

/**
 * Headlines that both cite numbers, none of them the same, report different
 * facts (`5月份CPI上涨0.3%` vs `6月份CPI上涨0.2%`) however alike the words.
 */
function numbersConflict(a: string[], b: string[]): boolean {
  return a.length > 0 && b.length > 0 && !a.some((n) => b.includes(n));
}

/** A match: the stored item a new one repeats, and how similar they are. */
export interface NearMatch {
  id: string;
  similarity: number;
}

function outletKey(e: HeadlineEntry): string {
  return contentKey(e.outlet ?? '') || `source:${e.sourceId}`;
}

/** An issuer that names several bodies (`两部门`, `多部门`, `财政部 工信部`, `财政部、工信部`). */
const COLLECTIVE = /部门|部委|多方|联合|[、，,\s]/u;

/**
 * Two different single issuers report two pieces of news, however alike the
 * headlines: regions copy each other's wording (`北京：…` vs `上海：…`), and so
 * do ministries (`工信部：组织开展…` vs `市监局：组织开展…`). One naming the
 * other (`国资委` / `国务院国资委`, `北京` / `北京市`) or naming several bodies
 * (`两部门` / `财政部 工信部`) is no conflict.
 */
function issuersConflict(a: string | null, b: string | null): boolean {
  if (!a || !b || a === b || a.includes(b) || b.includes(a)) return false;
  return !COLLECTIVE.test(a) && !COLLECTIVE.test(b);
}

/** A bigram as a 32-bit number (FNV-1a hash): signatures become integer arrays. */
function rank(gram: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < gram.length; i++) h = Math.imul(h ^ gram.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A headline's bigrams as sorted distinct ranks: set operations become merges of integer arrays. */
function signature(issuer: string | null, headline: string): Uint32Array {
  const ranks = Uint32Array.from(headlineBigrams(issuer, headline), rank).sort();
  let n = 0;
  for (let i = 0; i < ranks.length; i++) if (i === 0 || ranks[i] !== ranks[i - 1]) ranks[n++] = ranks[i]!;
  return ranks.subarray(0, n);
}

/** Jaccard similarity of two signatures. */
function sigJaccard(a: Uint32Array, b: Uint32Array): number {
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}

/**
 * How many of a headline's bigrams a look-up must follow: if J(x, y) ≥ t then
 * |x ∩ y| ≥ ⌈t·|x|⌉, so at most |x| − ⌈t·|x|⌉ bigrams of x are missing from
 * y, and any |x| − ⌈t·|x|⌉ + 1 of them include one that y has.
 */
function probeCount(size: number): number {
  return size - Math.ceil(NEAR_DUPLICATE_THRESHOLD * size) + 1;
}

/**
 * An index of recent headlines for near-duplicate look-ups: bigram → the
 * headlines that have it. A look-up follows only its rarest bigrams, as few
 * as can still find every headline above the threshold (see
 * {@link probeCount}), so it visits few candidates even when common bigrams
 * (`发展`, `中国`) are in thousands of headlines; candidates are then
 * verified exactly.
 */
export class NearDuplicateIndex {
  private readonly items: Indexed[] = [];
  private readonly postings = new Map<number, number[]>();
  /** Per item, the last look-up that visited it (avoids a Set per look-up). */
  private visited = new Uint32Array(1024);
  private lookups = 0;

  /** The last entry looked up, prepared: ingest adds the entry it just looked up, which need not be prepared twice. */
  private lastLookup: Indexed | null = null;

  private prepare(entry: HeadlineEntry): Indexed {
    if (this.lastLookup?.entry === entry) return this.lastLookup;
    return {
      entry,
      outletKey: outletKey(entry),
      time: Date.parse(entry.time),
      sig: signature(entry.issuer, entry.title),
      numbers: numbersOf(entry.title),
    };
  }

  /** Remember an item so that later ones can be compared with it. */
  add(entry: HeadlineEntry): void {
    const indexed = this.prepare(entry);
    const { sig } = indexed;
    const index = this.items.push(indexed) - 1;
    if (index >= this.visited.length) {
      const grown = new Uint32Array(this.visited.length * 2);
      grown.set(this.visited);
      this.visited = grown;
    }
    for (const r of sig) {
      const list = this.postings.get(r);
      if (list) list.push(index);
      else this.postings.set(r, [index]);
    }
  }

  /**
   * The most similar earlier item from another outlet within the time
   * window, if its similarity reaches {@link NEAR_DUPLICATE_THRESHOLD}.
   * Items from the same outlet are never near-duplicates of each other (an
   * outlet's follow-up is news of its own), nor are items of two different
   * single issuers or headlines whose numbers disagree.
   */
  findMatch(entry: HeadlineEntry): NearMatch | null {
    const probe = this.prepare(entry);
    this.lastLookup = probe;
    const { sig, outletKey: key, time, numbers } = probe;
    if (sig.length + 1 < MIN_KEY_CHARS) return null;
    const stamp = ++this.lookups;
    const window = NEAR_DUPLICATE_WINDOW_DAYS * 86_400_000;
    const lists = Array.from(sig, (r) => this.postings.get(r) ?? []).sort((a, b) => a.length - b.length);
    let best: NearMatch | null = null;
    for (const list of lists.slice(0, probeCount(sig.length))) {
      for (const i of list) {
        if (this.visited[i] === stamp) continue;
        this.visited[i] = stamp;
        const other = this.items[i]!;
        // Sizes alone can rule a pair out: J ≤ min/max.
        const [small, large] = sig.length < other.sig.length ? [sig.length, other.sig.length] : [other.sig.length, sig.length];
        if (small < NEAR_DUPLICATE_THRESHOLD * large) continue;
        if (other.outletKey === key || Math.abs(other.time - time) > window) continue;
        const similarity = sigJaccard(sig, other.sig);
        if (similarity < NEAR_DUPLICATE_THRESHOLD || (best && similarity <= best.similarity)) continue;
        if (issuersConflict(entry.issuer, other.entry.issuer)) continue;
        if (numbersConflict(numbers, other.numbers)) continue;
        best = { id: other.entry.id, similarity };
      }
    }
    return best;
  }
}
