/**
 * Wrapping the plain-text part. CJK characters are two columns wide and may
 * break anywhere, except that closing punctuation never starts a line and
 * opening brackets never end one (避头尾); Latin words and URLs are never
 * split, and a URL stays on the line of its short label (`原文：https://…`).
 */

// Curly quotes and … are "ambiguous" width; next to Chinese they are drawn full width.
const WIDE = /[\p{Script=Han}\u2018\u2019\u201c\u201d\u2026\u2014\u3000-\u303f\uff00-\uffef\u2e80-\u2fdf\u3040-\u30ff\uac00-\ud7af]/u;
// Characters that must not begin a line (避头).
const NO_LINE_START = /^[，。、；：？！）》」』〉】〕”’…—,.;:?!)\]}%]/u;
// Characters that must not end a line (避尾).
const NO_LINE_END = /[（《「『〈【〔“‘([{]$/u;
// A URL: scheme, then printable ASCII, not ending in punctuation that belongs to the sentence.
const URL = String.raw`(?:https?|ftp|mailto):[!#-;=?-~]*[#-'*-+\-/-9=?-Z\\_a-z~]`;
// Tokens: URLs, Latin words/numbers (with their inner punctuation), runs of spaces, or one character.
const TOKENS = new RegExp(String.raw`${URL}|[A-Za-z0-9@#%&+=/:._~?\-'"$*!,;()[\]]+|[ \t]+|.`, 'gsu');
const IS_URL = new RegExp(`^${URL}$`, 'u');
// A URL moves to its own line only when its label is longer than this many columns.
const LABEL_COLUMNS = 16;
// Closing punctuation may hang this many columns past the margin rather than start a line.
const HANG_COLUMNS = 4;

/** Is this character drawn double width (Chinese, Japanese, Korean, full-width punctuation)? */
export function isWide(ch: string): boolean {
  return WIDE.test(ch);
}

/** Display width of a string: CJK counts 2, everything else 1. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += WIDE.test(ch) ? 2 : 1;
  return w;
}

/**
 * Wrap one line to `columns` display columns. Continuation lines keep the
 * line's indent (and a `N. ` hanging indent) unless `hanging` is false, as in
 * format=flowed, where a reader's client joins them back into one line.
 */
export function wrapLine(line: string, columns: number, hanging = true): string[] {
  const tokens = line.match(TOKENS) ?? [];
  const indent = hanging ? /^\s*(\d+\.\s)?/.exec(line)![0].replace(/\S/g, ' ') : '';
  const out: string[] = [];
  let current = '';
  let w = 0;
  for (const tok of tokens) {
    const tw = displayWidth(tok);
    const fits = w + tw <= columns;
    const keepWithLabel = IS_URL.test(tok) && w <= LABEL_COLUMNS;
    // Closing punctuation hangs a little past the margin, or after a Latin word or URL (which cannot move).
    const hangs = NO_LINE_START.test(tok) && (w + tw <= columns + HANG_COLUMNS || !WIDE.test(current.at(-1) ?? ''));
    if (fits || !current.trim() || hangs || keepWithLabel || /^[ \t]+$/.test(tok)) {
      current += tok;
      w += tw;
      continue;
    }
    // Break before `tok`. Closing punctuation that cannot hang takes the character before it
    // along; an opening bracket at the end of the line moves down too.
    let carry = '';
    const trimmed = [...current.trimEnd()];
    if (NO_LINE_START.test(tok)) {
      // Take the punctuation already hanging and the character it follows.
      const keep = indent.length + 2;
      while (trimmed.length > keep && NO_LINE_START.test(trimmed.at(-1)!)) carry = trimmed.pop()! + carry;
      if (trimmed.length > keep && WIDE.test(trimmed.at(-1)!)) carry = trimmed.pop()! + carry;
    }
    if (trimmed.length > indent.length + 2 && NO_LINE_END.test(trimmed.at(-1)!)) carry = trimmed.pop()! + carry;
    current = trimmed.join('');
    out.push(current.trimEnd());
    current = indent + carry + tok;
    w = displayWidth(current);
  }
  if (current.trim() || !out.length) out.push(current.trimEnd());
  avoidOrphan(out, indent);
  return out;
}

/** A last line of one CJK character looks broken: take one more character from the line above. */
function avoidOrphan(lines: string[], indent: string): void {
  if (lines.length < 2) return;
  const last = lines.at(-1)!.slice(indent.length);
  const prev = lines.at(-2)!;
  const chars = [...prev];
  if (displayWidth(last.replace(/[，。、；：？！）》」』”’…]+$/u, '')) > 2 || chars.length < indent.length + 4) return;
  // Move the previous line's last character, and an opening bracket before it, but never split a Latin word.
  let take = 1;
  if (!WIDE.test(chars.at(-1)!)) return;
  if (NO_LINE_START.test(chars.at(-1)!)) take = 2;
  if (NO_LINE_END.test(chars.at(-take - 1)!)) take++;
  lines[lines.length - 2] = chars.slice(0, -take).join('');
  lines[lines.length - 1] = indent + chars.slice(-take).join('') + last;
}

/**
 * One line as format=flowed (RFC 3676) with DelSp=yes: wrapped at `columns`,
 * every soft break marked by a trailing space that the reader's client
 * deletes when it joins the lines, so Chinese reflows on a phone without a
 * stray space (and a break between Latin words keeps its one space). A line
 * that starts with a space, `>` or `From ` is space-stuffed.
 */
function flowedLine(line: string, columns: number): string[] {
  const lines = wrapLine(line, columns, false);
  let pos = 0;
  const out = lines.map((l, i) => {
    if (line.startsWith(l, pos)) pos += l.length;
    let gap = '';
    while (line[pos] === ' ' || line[pos] === '\t') {
      gap = ' ';
      pos++;
    }
    const soft = i < lines.length - 1 ? `${gap} ` : '';
    return /^(?: |>|From )/.test(l) ? ` ${l}${soft}` : l + soft;
  });
  return out;
}

/**
 * Wrap every line of a text; blank lines are kept, runs of 3+ newlines
 * collapse to one blank line. `flowed` (the text part of the email) marks the
 * wraps as soft breaks (RFC 3676, DelSp=yes); without it they are hard
 * breaks with hanging indents.
 */
export function wrapText(text: string, columns = 72, flowed = false): string {
  return `${text
    .replace(/\n{3,}/g, '\n\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .flatMap((l) => (l.length ? (flowed ? flowedLine(l, columns) : wrapLine(l, columns)) : ['']))
    .join('\n')
    .replace(/^\n+|\n+$/g, '')}\n`;
}

/** Undo format=flowed with DelSp=yes (RFC 3676 4.2): what a flowed-aware client shows, one line per paragraph. */
export function unflow(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.startsWith(' ') ? l.slice(1) : l))
    .join('\n')
    .replace(/ \n/g, '');
}
