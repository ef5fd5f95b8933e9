/**
 * Wrapping the plain-text part. CJK characters are two columns wide and may
 * break anywhere except before closing punctuation; Latin words and URLs are
 * never split.
 */

const WIDE = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef\u2e80-\u2fdf]/u;
// Characters that must not begin a line (Chinese line-breaking rules, 避头).
const NO_LINE_START = /^[，。、；：？！）》」』”’…—,.;:?!)\]]/u;

function width(ch: string): number {
  return WIDE.test(ch) ? 2 : 1;
}

/** Wrap one line to `columns` display columns. */
export function wrapLine(line: string, columns: number): string[] {
  const tokens = line.match(/[A-Za-z0-9@#%&+=/:._~?\-'"$*!,;()[\]]+|\s+|./gsu) ?? [];
  const out: string[] = [];
  let current = '';
  let w = 0;
  const indent = /^\s*(\d+\.\s)?/.exec(line)![0].replace(/\S/g, ' ');
  for (const tok of tokens) {
    const tw = [...tok].reduce((n, c) => n + width(c), 0);
    if (w + tw > columns && current.trim() && !NO_LINE_START.test(tok)) {
      out.push(current.trimEnd());
      current = /^\s+$/.test(tok) ? indent : indent + tok;
      w = [...current].reduce((n, c) => n + width(c), 0);
      continue;
    }
    current += tok;
    w += tw;
  }
  if (current.trim() || !out.length) out.push(current.trimEnd());
  return out;
}

/** Wrap every line of a text; blank lines are kept, runs of 3+ newlines collapse. */
export function wrapText(text: string, columns = 72): string {
  return text
    .replace(/\n{3,}/g, '\n\n')
    .split('\n')
    .flatMap((l) => (l.length ? wrapLine(l, columns) : ['']))
    .join('\n')
    .trim() + '\n';
}
