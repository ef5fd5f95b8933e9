/**
 * Editor-written items: Markdown with YAML front matter, or the seed's plain
 * bulletin layout. Several plain items may share one file. Errors name the
 * file and line.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ImportError } from '../errors.ts';
import { isBookStart, parseBookFields } from '../render/index.ts';
import { parseDate } from './dates.ts';
import type { EntryInput } from './item.ts';
import { markdownInline } from './markdown.ts';

/**
 * An editor's date that cannot be read (`2025-13-45`) would make the item fall
 * back to its first-seen time or out of the window unnoticed: refuse it where
 * it was written. The zone does not decide whether a date exists, so UTC.
 */
function checkDate(date: string | null, file: string, line: number): void {
  if (date && !parseDate(date, 'UTC')) {
    throw new ImportError(file, line, `date "${date}" is not a date`, 'write it as YYYY-MM-DD (e.g. 2024-07-15), or leave the date out');
  }
}

const OUTLET_DATE = /^(.{1,40}?)\s+(\d{4}\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2}日?)\s*$/u;
const LINK = /^<?(https?:\/\/\S+?)>?$/;
// Leftovers of the seed's conversion: a paragraph tag around a line is layout, not text.
const PARAGRAPH_TAGS = /^\s*<p>|<\/p>\s*$/g;

/** One entry start in a plain file: a news item (at its title line), a book, or a section heading. */
type Mark = { line: number; kind: 'item' | 'book' | 'section' };

/**
 * Parse seed-style plain text: `发布机构：标题` / `来源 YYYY-MM-DD` / body /
 * `附：…` / link. Items are found by their outlet-and-date line (the line
 * before it is the title); a link line closes an item. A line that starts
 * `书名/著者：` is a book entry (see render/book.ts). A line that is one of
 * `sectionTitles` starts that section for the entries after it (the seed's
 * `图书推荐`); before the first entry such lines are the table of contents
 * and mean nothing, unless the first entry follows right after. Bodies are
 * Markdown (the seed writes `**…**`).
 */
export function parsePlainItems(content: string, file: string, sourceId: string, sectionTitles: string[] = []): EntryInput[] {
  const lines = content.replace(/\r\n?/g, '\n').split('\n');
  const titles = new Set(sectionTitles);
  const marks: Mark[] = [];
  lines.forEach((line, i) => {
    if (isBookStart(line)) marks.push({ line: i, kind: 'book' });
    else if (titles.has(line.trim())) marks.push({ line: i, kind: 'section' });
    else if (OUTLET_DATE.test(line.trim())) {
      // The title is the nearest non-blank line above.
      let t = i - 1;
      while (t >= 0 && !lines[t]!.trim()) t--;
      if (t >= 0 && marks.at(-1)?.line !== t) marks.push({ line: t, kind: 'item' });
    }
  });
  const first = marks.findIndex((m) => m.kind !== 'section');
  if (first < 0) {
    throw new ImportError(
      file,
      1,
      'no item found: expected a title line, then a line "来源 YYYY-MM-DD" (e.g. "新京报 2024-06-19"), or a book entry "书名/著者：…"',
      'see config/samples/inbox/ for the layout',
    );
  }
  // Section lines in the preamble (the table of contents) count only right before the first entry.
  const firstLine = marks[first]!.line;
  const entries = marks.filter(
    (m, k) =>
      k >= first ||
      (k === first - 1 &&
        lines
          .slice(m.line + 1, firstLine)
          .join('')
          .trim() === ''),
  );
  const out: EntryInput[] = [];
  let section: string | null = null;
  entries.forEach((m, k) => {
    const end = k + 1 < entries.length ? entries[k + 1]!.line : lines.length;
    if (m.kind === 'section') section = lines[m.line]!.trim();
    else if (m.kind === 'book') out.push(bookEntry(lines.slice(m.line, end), file, m.line, sourceId, section));
    else out.push(plainItem(lines, m.line, end, file, sourceId, section));
  });
  return out;
}

function bookEntry(lines: string[], file: string, at: number, sourceId: string, section: string | null): EntryInput {
  const fields = parseBookFields(lines.map((l) => l.replace(PARAGRAPH_TAGS, '')).join('\n'));
  if (!fields)
    throw new ImportError(
      file,
      at + 1,
      'book entry has no title',
      'write it as "书名/著者：书名/著者 出版社/出版日期：… 内容简介：… 推荐理由：…"',
    );
  const { link, ...book } = fields;
  const plain = (v: string | null) => (v ? markdownInline(v) : v);
  return {
    sourceId,
    title: book.title,
    book: { ...book, title: plain(book.title)!, summary: plain(book.summary), reason: plain(book.reason) },
    link,
    guid: null,
    section,
  };
}

function plainItem(lines: string[], titleLine: number, end: number, file: string, sourceId: string, section: string | null): EntryInput {
  let i = titleLine + 1;
  while (!lines[i]!.trim()) i++;
  const [, outlet, date] = OUTLET_DATE.exec(lines[i]!.trim())!;
  checkDate(date!, file, i + 1);
  const body: string[] = [];
  let link: string | null = null;
  for (i = i + 1; i < end; i++) {
    const line = lines[i]!.trim();
    const m = LINK.exec(line);
    if (m) {
      link = m[1]!;
      continue;
    }
    body.push(lines[i]!.replace(PARAGRAPH_TAGS, ''));
  }
  const text = body.join('\n').trim();
  if (!text)
    throw new ImportError(
      file,
      titleLine + 1,
      `item "${lines[titleLine]!.trim()}" has no body`,
      'write the body below the "来源 日期" line',
    );
  return {
    sourceId,
    title: markdownInline(lines[titleLine]!.trim()),
    outlet: outlet!,
    date: date!,
    text,
    link,
    guid: null,
    markdown: 'wrapped',
    ...(section ? { section } : {}),
  };
}

/** Parse a Markdown item with `---` front matter (title required; issuer, outlet, date, link, section, attachments optional). */
export function parseMarkdownItem(content: string, file: string, sourceId: string): EntryInput {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(content.replace(/^\uFEFF/, ''));
  if (!m)
    throw new ImportError(
      file,
      1,
      'missing front matter',
      'start the file with a "---" line, the fields (title: …), and another "---" line',
    );
  let meta: Record<string, unknown>;
  try {
    meta = (parseYaml(m[1]!) ?? {}) as Record<string, unknown>;
  } catch (err) {
    const line = (err as { linePos?: { line: number }[] }).linePos?.[0]?.line ?? 0;
    throw new ImportError(
      file,
      line + 1,
      `front matter is not valid YAML: ${(err as Error).message.split('\n')[0]}`,
      'fix the YAML between the --- lines',
    );
  }
  const str = (k: string): string | null =>
    meta[k] == null ? null : String(meta[k] instanceof Date ? (meta[k] as Date).toISOString().slice(0, 10) : meta[k]);
  const title = str('title');
  if (!title) throw new ImportError(file, 2, 'front matter has no "title"', 'add a line like  title: 工信部：印发《…》');
  // Line 1 is the opening ---, so front-matter line k is file line k + 1.
  const dateLine = m[1]!.split(/\r?\n/).findIndex((l) => /^date\s*:/.test(l));
  checkDate(str('date'), file, dateLine + 2);
  if (str('kind') === 'book' || meta.author != null || meta.publisher != null) return markdownBook(str, m[2]!, sourceId);
  const attachments = Array.isArray(meta.attachments) ? meta.attachments.map(String) : meta.attachments ? [String(meta.attachments)] : [];
  return {
    sourceId,
    title,
    issuer: str('issuer'),
    outlet: str('outlet') ?? str('source'),
    date: str('date'),
    link: str('link'),
    guid: str('id'),
    section: str('section'),
    attachments,
    text: m[2]!,
    markdown: 'document',
    categories: Array.isArray(meta.tags) ? meta.tags.map(String) : [],
  };
}

/**
 * A book in front matter: `kind: book` (or `author:`/`publisher:`), `title`,
 * `author`, `publisher`, `published` (出版日期), `summary` (else the body),
 * `reason`, optional `cover` and `link`.
 */
function markdownBook(str: (k: string) => string | null, body: string, sourceId: string): EntryInput {
  const inline = (v: string | null) => (v ? markdownInline(v.trim()) : null);
  const title = inline(str('title'))!;
  const cover = str('cover');
  return {
    sourceId,
    title,
    book: {
      title,
      author: inline(str('author')),
      publisher: inline(str('publisher')),
      date: str('published') ?? str('publishedDate'),
      summary: inline(str('summary')) ?? (body.trim() ? markdownInline(body.replace(/\s*\n\s*/g, ' ').trim()) : null),
      reason: inline(str('reason')),
      cover: cover && /^https?:\/\/[^\s"<>]+$/i.test(cover) ? cover : null,
    },
    link: str('link'),
    guid: str('id'),
    section: str('section'),
  };
}

/**
 * Read one editor file (`.md`/`.markdown` → front matter; anything else →
 * plain layout, where a line equal to one of `sectionTitles` starts that section).
 */
export function readEditorFile(file: string, sourceId: string, sectionTitles: string[] = []): EntryInput[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ImportError(file, 0, `cannot read: ${(err as Error).message}`, 'check the path');
  }
  return /\.(md|markdown)$/i.test(file)
    ? [parseMarkdownItem(content, file, sourceId)]
    : parsePlainItems(content, file, sourceId, sectionTitles);
}
