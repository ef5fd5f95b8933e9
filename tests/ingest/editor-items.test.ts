/**
 * Editor items: 图书推荐 book entries (seed layout and Markdown front matter),
 * section headings in the plain layout, and Markdown bodies rendered into
 * sanitized HTML and plain text — a reader never sees `**` or a tag.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'vitest';
import { parseMarkdownItem, parsePlainItems } from '../../src/ingest/inbox.ts';
import { buildItem } from '../../src/ingest/item.ts';
import { parseBookText } from '../../src/render/book.ts';

const NOW = '2024-07-15T00:30:00.000Z';
const ZONE = 'Asia/Shanghai';
const TITLES = ['热点关注', '行业动向', '国际视野', '国内动态', '自贸专题', '国研专稿', '企业排行榜', '图书推荐'];
const seed = readFileSync(new URL('../section/fixtures/seed-001.txt', import.meta.url), 'utf8');

test('the seed gives 63 news items and 4 book entries; only the books take 图书推荐 from the heading line', () => {
  const entries = parsePlainItems(seed, 'seed-001.txt', 'editor', TITLES);
  const items = entries.map((e) => buildItem(e, NOW, ZONE));
  const books = items.filter((i) => parseBookText(i.text));
  assert.equal(items.length, 67);
  assert.deepEqual(
    books.map((b) => b.title),
    ['元宇宙', '繁荣与停滞', '赋能型领导', '新定位时代'],
  );
  assert.deepEqual(
    items.filter((i) => i.pinnedSection).map((i) => i.pinnedSection),
    ['图书推荐', '图书推荐', '图书推荐', '图书推荐'],
  );
  // The item before the books no longer carries them (nor the heading) in its body.
  const before = items[62]!;
  assert.ok(!/书名|图书推荐|<p>/.test(before.text), before.text.slice(-80));
  for (const i of items) {
    assert.ok(!i.text.includes('**'), `** in the text of ${i.title}`);
    assert.ok(!/\*\*|&lt;\/?p&gt;/.test(i.html), `markup shows in the HTML of ${i.title}`);
  }
  assert.ok(items.some((i) => i.html.includes('<strong>中药标准管理专门规定</strong>')));
});

test('a book entry keeps its fields: author, publisher, date, summary, reason', () => {
  const [e] = parsePlainItems(
    '图书推荐\n\n<p>书名/著者: 赋能型领导/弗朗西丝·弗赖/安妮·莫里斯 出版社/出版日期: 中信出版集团/2022-10 内容简介: 一本**好**书。 推荐理由: 荣获银奖。</p>\n',
    'books.txt',
    'editor',
    TITLES,
  );
  const item = buildItem(e!, NOW, ZONE);
  assert.equal(item.pinnedSection, '图书推荐');
  assert.equal(item.publishedAt, null, 'a book is selected by when it was first seen, not its 出版日期');
  assert.deepEqual(parseBookText(item.text), {
    title: '赋能型领导',
    author: '弗朗西丝·弗赖/安妮·莫里斯',
    publisher: '中信出版集团',
    date: '2022-10',
    summary: '一本好书。',
    reason: '荣获银奖。',
    cover: null,
  });
});

test('a book in Markdown front matter; the body is its summary when summary is not given', () => {
  const e = parseMarkdownItem(
    '---\nkind: book\ntitle: 新定位时代\nauthor: 邓德隆\npublisher: 上海三联书店\npublished: 2022-08\nreason: 权威复盘\ncover: https://example.org/c.jpg\nlink: https://example.org/book\nsection: 图书推荐\n---\n本书**集中**呈现了作者的思考。\n',
    'book.md',
    'editor',
  );
  const item = buildItem(e, NOW, ZONE);
  const book = parseBookText(item.text)!;
  assert.equal(book.summary, '本书集中呈现了作者的思考。');
  assert.equal(book.cover, 'https://example.org/c.jpg');
  assert.equal(item.link, 'https://example.org/book');
  assert.equal(item.pinnedSection, '图书推荐');
});

test('Markdown bodies: emphasis, lists and links become HTML; raw HTML stays text; the plain text has no marks', () => {
  const e = parseMarkdownItem(
    '---\ntitle: 工信部：印发《方案》\n---\n**重点**如下：\n\n- 第一条\n- 第二条\n\n详见[原文](https://example.org/a)。<script>x</script>\n',
    'a.md',
    'editor',
  );
  const item = buildItem(e, NOW, ZONE);
  assert.match(item.html, /<strong>重点<\/strong>/);
  assert.match(item.html, /<ul>\s*<li>第一条<\/li>/);
  assert.match(item.html, /<a href="https:\/\/example.org\/a"[^>]*>原文<\/a>/);
  assert.ok(!item.html.includes('<script'), item.html);
  assert.ok(!item.text.includes('**'));
  assert.match(item.text, /原文（https:\/\/example.org\/a）/);
});

test('section lines in the table of contents before the first item do not section it', () => {
  const plain = '目录\n热点关注\n两部门：标题一\t1\n\n两部门：标题一\n\n新京报 2024-06-19\n\n正文。\n';
  const [e] = parsePlainItems(plain, 'toc.txt', 'editor', TITLES);
  assert.equal(e!.section ?? null, null);
});
