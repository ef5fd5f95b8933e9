/**
 * Editor-written items: Markdown with YAML front matter, or the seed's plain
 * bulletin layout. Several plain items may share one file. Errors name the
 * file and line.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ImportError } from '../errors.ts';
import { parseDate } from './dates.ts';
import type { EntryInput } from './item.ts';

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

/**
 * Parse seed-style plain text: `发布机构：标题` / `来源 YYYY-MM-DD` / body /
 * `附：…` / link. Items are found by their outlet-and-date line (the line
 * before it is the title); a link line closes an item.
 */
export function parsePlainItems(content: string, file: string, sourceId: string): EntryInput[] {
  const lines = content.replace(/\r\n?/g, '\n').split('\n');
  const starts: number[] = [];
  lines.forEach((line, i) => {
    if (OUTLET_DATE.test(line.trim())) {
      // The title is the nearest non-blank line above.
      let t = i - 1;
      while (t >= 0 && !lines[t]!.trim()) t--;
      if (t >= 0) starts.push(t);
    }
  });
  if (!starts.length) {
    throw new ImportError(
      file,
      1,
      'no item found: expected a title line, then a line "来源 YYYY-MM-DD" (e.g. "新京报 2024-06-19")',
      'see config/samples/inbox/ for the layout',
    );
  }
  return starts.map((titleLine, k) => {
    const end = k + 1 < starts.length ? starts[k + 1]! : lines.length;
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
      body.push(lines[i]!);
    }
    const text = body.join('\n').trim();
    if (!text)
      throw new ImportError(
        file,
        titleLine + 1,
        `item "${lines[titleLine]!.trim()}" has no body`,
        'write the body below the "来源 日期" line',
      );
    return { sourceId, title: lines[titleLine]!.trim(), outlet: outlet!, date: date!, text, link, guid: null };
  });
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
    text: markdownToText(m[2]!),
    categories: Array.isArray(meta.tags) ? meta.tags.map(String) : [],
  };
}

/** Editor Markdown is prose; keep paragraphs, drop inline markup marks. */
function markdownToText(md: string): string {
  return md
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
    .trim();
}

/** Read one editor file (`.md`/`.markdown` → front matter; anything else → plain layout). */
export function readEditorFile(file: string, sourceId: string): EntryInput[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ImportError(file, 0, `cannot read: ${(err as Error).message}`, 'check the path');
  }
  return /\.(md|markdown)$/i.test(file) ? [parseMarkdownItem(content, file, sourceId)] : parsePlainItems(content, file, sourceId);
}
