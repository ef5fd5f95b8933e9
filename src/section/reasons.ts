/**
 * The placement reasons' one catalogue (pure): every word of a `reason` —
 * which rule matched and on what, an editor's move, the classifier and its
 * confidence, a review flag, a cap — in the publication's language (Chinese
 * for zh-*, the default, English otherwise). Rules, the classifier and the
 * build compose reasons only through these functions, and issue.json, the
 * preview and the training data carry the result.
 *
 * Past issues keep the reasons they were built with, in whatever language
 * that was, so {@link isEditorReason} and {@link isGuessReason} (what the
 * classifier learns from) read every language here.
 */

/** The texts of placement reasons in one language. */
export interface ReasonTexts {
  lang: 'zh-CN' | 'en';
  excluded: string;
  moved: string;
  givenSection: string;
  /** A section an editor or a file named that is not configured (a prefix to the reason that decided instead). */
  staleOverride: (section: string) => string;
  staleFrontMatter: (section: string) => string;
  noRule: string;
  catchAll: string;
  /** `rule <id> (<why>)`; `disputed`: editors corrected it for this issuer. */
  rule: (id: string, why: string[], disputed: boolean) => string;
  /** What matched, one part of a rule's why each. `list`: the named list it came from. */
  issuer: (issuer: string, list: string | null) => string;
  issuerPattern: (issuer: string, pattern: string, list: string | null) => string;
  titlePattern: (pattern: string, list: string | null) => string;
  keyword: (word: string, list: string | null, minHits: number) => string;
  source: (id: string) => string;
  outlet: (outlet: string, list: string | null) => string;
  outletPattern: (outlet: string, pattern: string) => string;
  /** The classifier's choice, its probability and the features that weighed most. */
  classifier: (confidence: number, section: string, features: string[]) => string;
  /** A classifier feature as an editor reads it (`kind` as in features.ts: i, il, o, kl, b, w …). */
  feature: (kind: string, value: string, word?: string) => string;
  /** How the rule's and the classifier's verdicts combine. */
  disagrees: (rule: string, classifier: string) => string;
  guess: (classifier: string) => string;
  agrees: (rule: string, classifier: string) => string;
  overrules: (classifier: string, rule: string) => string;
  notConfident: (rule: string, classifier: string) => string;
  overCap: (reason: string, cap: number, section: string) => string;
}

const zhCN: ReasonTexts = {
  lang: 'zh-CN',
  excluded: '编辑已排除',
  moved: '编辑移入本栏',
  givenSection: '编辑稿件指定的栏目（稿件头部的 section 字段）',
  staleOverride: (s) => `编辑指定的栏目“${s}”未配置；`,
  staleFrontMatter: (s) => `稿件指定的栏目“${s}”未配置；`,
  noRule: '没有规则匹配，也未配置兜底规则',
  catchAll: '没有其他规则匹配',
  rule: (id, why, disputed) => `规则 ${id}（${[...why, ...(disputed ? ['编辑曾纠正'] : [])].join('，')}）`,
  issuer: (v, list) => `发布机构 ${v}${list ? ` 属 ${list}` : ''}`,
  issuerPattern: (v, re, list) => `发布机构 ${v} ~ /${re}/${list ? ` 属 ${list}` : ''}`,
  titlePattern: (re, list) => `标题 ~ /${re}/${list ? ` 属 ${list}` : ''}`,
  keyword: (w, list, n) => `关键词「${w}」${list ? ` 属 ${list}` : ''}${n > 1 ? `（出现 ${n} 次以上）` : ''}`,
  source: (id) => `信息源 ${id}`,
  outlet: (v, list) => `来源 ${v}${list ? ` 属 ${list}` : ''}`,
  outletPattern: (v, re) => `来源 ${v} ~ /${re}/`,
  classifier: (c, section, features) =>
    `分类器 naive-bayes ${c.toFixed(2)}（${section}${features.length ? `；主要特征：${features.join('、')}` : ''}）`,
  feature: (kind, value, word) => {
    switch (kind) {
      case 'i':
        return value === '(none)' ? '无发布机构' : `发布机构 ${value}`;
      case 'il':
        return `发布机构属 ${value}`;
      case 'o':
        return `来源 ${value}`;
      case 'kl':
        return word ? `「${word}」属 ${value}` : `标题词属 ${value}`;
      case 'b':
        return `正文：${value}`;
      default:
        return value;
    }
  },
  disagrees: (r, c) => `${r}；待确认：${c} 意见不同`,
  guess: (c) => `${c}——把握不足，是最可能的栏目`,
  agrees: (r, c) => `${r}；${c} 一致`,
  overrules: (c, r) => `${c}；推翻 ${r}`,
  notConfident: (r, c) => `${r}；${c} 把握不足，未推翻`,
  overCap: (reason, cap, section) => `${reason}；超出${section}的上限（${cap} 条），留作下一期的候选`,
};

const en: ReasonTexts = {
  lang: 'en',
  excluded: 'excluded by an editor',
  moved: 'moved here by an editor',
  givenSection: 'section given in the editor item (front matter section:)',
  staleOverride: (s) => `editor's section "${s}" is not a configured section; `,
  staleFrontMatter: (s) => `front matter section "${s}" is not a configured section; `,
  noRule: 'no rule matched and no catch-all rule is configured',
  catchAll: 'no other rule matched',
  rule: (id, why, disputed) => `rule ${id} (${why.join(', ')}${disputed ? ', disputed by editors' : ''})`,
  issuer: (v, list) => `issuer ${v}${list ? ` in ${list}` : ''}`,
  issuerPattern: (v, re, list) => `issuer ${v} ~ /${re}/${list ? ` in ${list}` : ''}`,
  titlePattern: (re, list) => `title ~ /${re}/${list ? ` in ${list}` : ''}`,
  keyword: (w, list, n) => `keyword 「${w}」${list ? ` in ${list}` : ''}${n > 1 ? ` (${n}+ mentions)` : ''}`,
  source: (id) => `source ${id}`,
  outlet: (v, list) => `outlet ${v}${list ? ` in ${list}` : ''}`,
  outletPattern: (v, re) => `outlet ${v} ~ /${re}/`,
  classifier: (c, section, features) =>
    `classifier naive-bayes ${c.toFixed(2)} (${section}${features.length ? `; top features: ${features.join(', ')}` : ''})`,
  feature: (kind, value, word) => {
    switch (kind) {
      case 'i':
        return value === '(none)' ? 'no issuer' : `issuer ${value}`;
      case 'il':
        return `issuer in ${value}`;
      case 'o':
        return `outlet ${value}`;
      case 'kl':
        return word ? `「${word}」 in ${value}` : `headline word from ${value}`;
      case 'b':
        return `body: ${value}`;
      default:
        return value;
    }
  },
  disagrees: (r, c) => `${r}; review: ${c} disagrees`,
  guess: (c) => `${c} — not confident, best guess`,
  agrees: (r, c) => `${r}; ${c} agrees`,
  overrules: (c, r) => `${c}; overrules ${r}`,
  notConfident: (r, c) => `${r}; ${c} is not confident enough to overrule it`,
  overCap: (reason, cap, section) => `${reason}; over the cap (${cap}) of ${section}, stays a candidate for the next issue`,
};

/** The reason texts for a publication language: zh-* (and the default) Chinese, anything else English. */
export function reasonTexts(language = 'zh-CN'): ReasonTexts {
  return /^zh/i.test(language) ? zhCN : en;
}

const CATALOGUES = [zhCN, en];
const starts = (reason: string, prefixes: string[]) => prefixes.some((p) => reason.startsWith(p));

/** Was the item placed by an editor (a move, or the section its file named), in any language? */
export function isEditorReason(reason: string): boolean {
  return starts(
    reason,
    CATALOGUES.flatMap((t) => [t.moved, t.givenSection.replace(/[（(].*$/u, '').trim()]),
  );
}

/**
 * Is the placement only the machine's guess (the classifier alone, or not
 * confident, or the catch-all), in any language? Learning from unreviewed
 * guesses would teach the classifier its own mistakes.
 */
export function isGuessReason(reason: string): boolean {
  const marks = CATALOGUES.flatMap((t) => [
    t.catchAll,
    t.guess('').trim(),
    t
      .notConfident('', '')
      .replace(/^[;；]\s*/u, '')
      .trim(),
  ]);
  return /^(classifier|分类器)/.test(reason) || marks.some((m) => m && reason.includes(m));
}
