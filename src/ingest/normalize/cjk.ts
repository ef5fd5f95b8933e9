/**
 * The character classes the normalizers share: Chinese, Japanese and
 * full-width punctuation (CJK), where a line break or a space means nothing.
 */

/** CJK characters and full-width punctuation, as the inside of a regular-expression class. */
export const CJK = '\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef';
/** One CJK character. */
export const CJK_CHAR = new RegExp(`[${CJK}]`, 'u');
