/**
 * Headlines: spacing and colons tidied, and `发布机构：标题` split into the
 * issuer and the headline.
 */
import { CJK, CJK_CHAR } from './cjk.ts';

/** A prefix before a colon that may be an issuer: short, with at least one CJK character. */
const ISSUER_PREFIX = new RegExp(`^([^:：]*[${CJK}][^:：]*?)\\s*[:：]\\s*`, 'u');

/**
 * Tidy a headline: one space at most between words (a space between two
 * Chinese clauses is the headline's own separator and stays), none next to
 * full-width punctuation, and a full-width colon after a Chinese issuer
 * (`两部门: 标题` → `两部门：标题`). English headlines keep their colons.
 */
export function normalizeTitle(raw: string): string {
  let t = raw.replace(/[\s\u00a0\u3000]+/g, ' ').trim();
  const m = ISSUER_PREFIX.exec(t);
  if (m && [...m[1]!].length <= 20) t = `${m[1]!.trim()}：${t.slice(m[0].length)}`;
  // Spaces around full-width punctuation are PDF extraction noise: "投资！ 出台" → "投资！出台".
  // (Spaces next to quotes stay: `发布“科创板八条” 为新质生产力…` separates two clauses.)
  t = t.replace(/\s*([，。！？；：、])\s*/gu, '$1');
  return t;
}

/** Words that open a headline rather than name an issuer (`解读6月份PMI数据：…`). */
const NOT_ISSUER = /^(?:解读|图解|专访|独家|关于|如何|为何|为什么|一图读懂)|[《》，。！？“”]|\d/u;
/** Digits are allowed in one kind of issuer: `12部门`. */
const COUNTED_BODIES = /^\d+(?:部门|部委)$/u;

/**
 * Split `发布机构：标题` into issuer and headline; no issuer when there is no
 * Chinese colon prefix, or the prefix reads like part of the headline.
 */
export function splitIssuer(title: string): { issuer: string | null; headline: string } {
  const t = normalizeTitle(title);
  const m = /^([^：]{1,20})：(.+)$/u.exec(t);
  if (m && CJK_CHAR.test(m[1]!) && (!NOT_ISSUER.test(m[1]!) || COUNTED_BODIES.test(m[1]!))) {
    return { issuer: m[1]!.trim(), headline: m[2]!.trim() };
  }
  return { issuer: null, headline: t };
}
