/**
 * Attachments (附): `附：…` lines taken out of an item's text into a list.
 */

/** `附：…`, `附件：…`, `附件1：…` at the start of a line. */
export const ATTACHMENT_LINE = /^\s*附(?:件\s*[\d一二三四五六七八九十]*)?\s*[:：]\s*(.+?)\s*$/u;

/**
 * Lines starting with `附：` (or `附件：`) are attachments; returns them and
 * the text without them. A line listing several 《titles》 gives one
 * attachment per title.
 */
export function extractAttachments(text: string): { text: string; attachments: string[] } {
  const attachments: string[] = [];
  const kept = text.split('\n').filter((line) => {
    const m = ATTACHMENT_LINE.exec(line);
    if (m) attachments.push(...splitTitles(m[1]!));
    return !m;
  });
  return {
    text: kept
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
    attachments,
  };
}

/** `《A》《B》` → [`《A》`, `《B》`]; anything else stays one entry. */
function splitTitles(s: string): string[] {
  const titles = s.match(/《[^《》]+》/gu);
  return titles && !s.replace(/《[^《》]+》/gu, '').replace(/[\s、，和及与]+/gu, '') ? titles : [s];
}
