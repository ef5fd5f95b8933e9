/**
 * Paragraphs of text extracted from PDFs and feeds: hard line breaks inside
 * a paragraph are joined, and paragraphs cut in two by a page break are put
 * back together.
 */
import { CJK_CHAR } from './cjk.ts';

const HAN_END = /[\p{Script=Han}、，]$/u;
const HAN_START = /^[\p{Script=Han}\d，。、；：！？）」』”]/u;
/** How a paragraph that legitimately starts a new thought begins: list markers, 附. */
const PARAGRAPH_OPENER = /^(?:[（(]?[一二三四五六七八九十\d]+[、)）.．]|附|第[一二三四五六七八九十\d]+[条章节部分])/u;
/** Shorter paragraphs are headings ("构建高水平新型基础设施体系"), which end without punctuation. */
export const MIN_CUT_PARAGRAPH = 30;

/**
 * Was the boundary between `before` and `after` a page or column break in
 * the middle of a sentence (`…完善股权激励制` | `度；六是…`)? True when a long
 * paragraph stops on a character no sentence ends with and the next one does
 * not begin like a paragraph of its own.
 */
export function isCutParagraph(before: string, after: string): boolean {
  const a = before.trim();
  const b = after.trim();
  return a.length >= MIN_CUT_PARAGRAPH && HAN_END.test(a) && HAN_START.test(b) && !PARAGRAPH_OPENER.test(b);
}

/**
 * Join hard line breaks inside a paragraph. Between two CJK characters the
 * break vanishes (Chinese has no spaces); elsewhere it becomes one space.
 * Blank lines stay paragraph breaks, except where a page break cut a
 * sentence in two (see {@link isCutParagraph}).
 */
export function joinHardBreaks(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .split(/\n[ \t\u3000]*\n+/)
    .map((para) => {
      // Pieces joined once, each checked against the previous line (not the text so far):
      // reading the end of a growing string makes V8 copy it, quadratic on a 1 MB body.
      const pieces: string[] = [];
      let previous = '';
      for (const raw of para.split('\n')) {
        const line = raw.replace(/[ \t]+/g, ' ').trim();
        if (!line) continue;
        pieces.push(!previous || CJK_CHAR.test(previous.at(-1)!) || CJK_CHAR.test(line[0]!) ? line : ` ${line}`);
        previous = line;
      }
      return pieces.join('');
    })
    .filter(Boolean);
  // Paragraphs as lists of pieces; `tail` stands in for the last paragraph in isCutParagraph:
  // it starts and ends like the paragraph and is at least as long up to MIN_CUT_PARAGRAPH,
  // so the check does not re-read a paragraph that keeps growing.
  const joined: string[][] = [];
  let tail = '';
  for (const p of paragraphs) {
    if (joined.length && isCutParagraph(tail, p)) {
      joined.at(-1)!.push(p);
      tail = tail.slice(0, MIN_CUT_PARAGRAPH) + p;
    } else {
      joined.push([p]);
      tail = p;
    }
  }
  return joined.map((pieces) => pieces.join('')).join('\n\n');
}
