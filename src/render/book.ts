/**
 * 图书推荐 book entries (pure). A book is stored as an item whose text is the
 * seed's own layout — one field per paragraph, `书名/著者：…`, `出版社/出版日期：…`,
 * `内容简介：…`, `推荐理由：…`, optionally `封面：URL` — so the store needs no
 * column of its own, the text part reads it as it stands, and
 * {@link parseBookText} gets the fields back for the book card.
 */
import type { Book } from '../types.ts';

// Field labels as the seed writes them; the longer forms first so `书名/著者` is not read as `书名`.
const LABELS = [
  '书名/著者',
  '出版社/出版日期',
  '内容简介',
  '推荐理由',
  '书名',
  '著者',
  '作者',
  '出版社',
  '出版日期',
  '封面',
  '链接',
] as const;
type Label = (typeof LABELS)[number];
const FIELD = new RegExp(`(${LABELS.map((l) => l.replace('/', '\\s*/\\s*')).join('|')})\\s*[:：]\\s*`, 'gu');

/** Does this line start a book entry in the seed layout (`书名/著者：…`, possibly inside `<p>`)? */
export function isBookStart(line: string): boolean {
  return /^(?:<p>)?\s*书名(?:\s*\/\s*著者)?\s*[:：]/u.test(line.trim());
}

/** `A/B` split at the first (`fromEnd`: last) slash; the other side null when there is none. */
function splitPair(s: string, fromEnd = false): [string, string | null] {
  const i = fromEnd ? s.lastIndexOf('/') : s.indexOf('/');
  if (i < 0) return [s.trim(), null];
  return [s.slice(0, i).trim(), s.slice(i + 1).trim() || null];
}

/** Only http(s) covers reach a page. */
function httpOnly(url: string | undefined): string | null {
  return url && /^https?:\/\/[^\s"<>]+$/i.test(url) ? url : null;
}

/**
 * Read the fields of a book entry from seed-layout text: on one line
 * (`书名/著者: 元宇宙/成生辉 出版社/出版日期: …`) or one field per line or
 * paragraph. Returns null when there is no title. `link` is the 链接 field, if any.
 */
export function parseBookFields(text: string): (Book & { link: string | null }) | null {
  const flat = text.replace(/<\/?p>/g, ' ').replace(/\s+/g, ' ');
  const marks = [...flat.matchAll(FIELD)];
  const fields = new Map<Label, string>();
  marks.forEach((m, k) => {
    const label = m[1]!.replace(/\s+/g, '') as Label;
    const end = k + 1 < marks.length ? marks[k + 1]!.index : flat.length;
    fields.set(label, flat.slice(m.index + m[0].length, end).trim());
  });
  const [title, author] = fields.has('书名/著者') ? splitPair(fields.get('书名/著者')!) : [fields.get('书名') ?? '', null];
  const [publisher, date] = fields.has('出版社/出版日期')
    ? splitPair(fields.get('出版社/出版日期')!, true)
    : [fields.get('出版社') ?? null, fields.get('出版日期') ?? null];
  const clean = title.replace(/^《(.*)》$/u, '$1').trim();
  if (!clean) return null;
  return {
    title: clean,
    author: author ?? fields.get('著者') ?? fields.get('作者') ?? null,
    publisher: publisher || null,
    date: date || null,
    summary: fields.get('内容简介') || null,
    reason: fields.get('推荐理由') || null,
    cover: httpOnly(fields.get('封面')),
    link: httpOnly(fields.get('链接')),
  };
}

/** The stored text of a book: the seed's layout, one field per paragraph. */
export function bookText(book: Book): string {
  const pair = (a: string | null, b: string | null) => [a, b].filter(Boolean).join('/');
  return [
    `书名/著者：${pair(book.title, book.author)}`,
    book.publisher || book.date ? `出版社/出版日期：${pair(book.publisher, book.date)}` : null,
    book.summary ? `内容简介：${book.summary}` : null,
    book.reason ? `推荐理由：${book.reason}` : null,
    book.cover ? `封面：${book.cover}` : null,
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** The book in an item's text, or null when the text is not a book entry. */
export function parseBookText(text: string): Book | null {
  if (!isBookStart(text.split('\n')[0] ?? '')) return null;
  const fields = parseBookFields(text);
  if (!fields) return null;
  const { link: _link, ...book } = fields;
  return book;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The book card as HTML for the web page and the feeds: cover (if any), 书名,
 * byline (著者 · 出版社 · 出版日期), 内容简介 and 推荐理由 as labelled paragraphs.
 */
export function bookHtml(book: Book, byline: string): string {
  return [
    book.cover ? `<img class="cover" src="${esc(book.cover)}" alt="《${esc(book.title)}》封面" width="96">` : '',
    `<p class="book-title"><strong>《${esc(book.title)}》</strong></p>`,
    byline ? `<p class="meta">${esc(byline)}</p>` : '',
    book.summary ? `<p><strong>内容简介</strong>　${esc(book.summary)}</p>` : '',
    book.reason ? `<p><strong>推荐理由</strong>　${esc(book.reason)}</p>` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
