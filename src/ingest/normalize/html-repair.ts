/**
 * Repairs on sanitized HTML bodies, matching those on their text, so the
 * web version reads like the text part.
 */
import { ATTACHMENT_LINE } from './attachments.ts';
import { CJK } from './cjk.ts';
import { htmlToText } from './html-text.ts';
import { isCutParagraph, MIN_CUT_PARAGRAPH } from './paragraphs.ts';

/** A newline between two CJK characters (with the spaces around it). */
const CJK_BREAK = new RegExp(`([${CJK}])[ \\t]*\\r?\\n[ \\t]*(?=[${CJK}])`, 'gu');

/**
 * The same repairs on sanitized HTML that `joinHardBreaks` and
 * `extractAttachments` make on text, so the web version matches:
 * newlines between CJK characters vanish (a browser would show a space),
 * paragraphs cut by a page break are joined, and `附：` paragraphs are
 * dropped (attachments are listed separately). Expects sanitize.ts output,
 * where `<p>` carries no attributes.
 */
export function repairHtml(html: string): string {
  const parts = html.replace(CJK_BREAK, '$1').split(/(<p>[\s\S]*?<\/p>)/);
  // A joined paragraph is kept as a list of pieces and closed at the end; `tail` stands in for
  // its text in isCutParagraph (see joinHardBreaks), so a long run of cut paragraphs is
  // never re-read or re-copied as it grows (quadratic on a 1 MB body before).
  const out: string[][] = [];
  let lastParagraph = -1;
  let tail = '';
  for (const part of parts) {
    if (!part.startsWith('<p>')) {
      if (part.trim()) lastParagraph = -1;
      out.push([part]);
      continue;
    }
    const text = htmlToText(part);
    if (ATTACHMENT_LINE.test(text) && !text.includes('\n')) {
      lastParagraph = -1;
      continue;
    }
    if (lastParagraph >= 0 && isCutParagraph(tail, text)) {
      const pieces = out[lastParagraph]!;
      pieces[pieces.length - 1] = pieces.at(-1)!.slice(0, -'</p>'.length);
      pieces.push(part.slice('<p>'.length));
      tail = tail.trim().slice(0, MIN_CUT_PARAGRAPH) + text;
      continue;
    }
    out.push([part]);
    lastParagraph = out.length - 1;
    tail = text;
  }
  return out
    .map((pieces) => pieces.join(''))
    .join('')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
