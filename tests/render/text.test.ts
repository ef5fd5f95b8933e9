/**
 * Wrapping the plain-text part: 72 columns with CJK two wide, URLs never
 * broken, Chinese line-breaking rules (避头尾), hanging indents for numbers.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { renderIssue } from '../../src/render/index.ts';
import { loadTemplates } from '../../src/render/templates.ts';
import { displayWidth, unflow, wrapLine, wrapText } from '../../src/render/text.ts';
import { issueOfSize, loadIssue, renderOptions, TEMPLATES_DIR } from './fixtures.ts';

test('display width counts CJK characters and full-width punctuation as two columns', () => {
  assert.equal(displayWidth('abc'), 3);
  assert.equal(displayWidth('信息摘编'), 8);
  assert.equal(displayWidth('（“附”）：'), 12);
  assert.equal(displayWidth('2024年'), 6);
});

test('Chinese text wraps at the width; Latin words stay whole', () => {
  const lines = wrapLine(
    '财政部、工业和信息化部近日联合印发《关于进一步支持专精特新中小企业高质量发展的通知》，部署通过中央财政资金进一步支持专精特新中小企业高质量发展工作。',
    40,
  );
  assert.ok(lines.length > 1);
  for (const l of lines.slice(0, -1)) assert.ok(displayWidth(l) >= 36 && displayWidth(l) <= 44, l);
  const latin = wrapLine('English words should not be split anywhere in the middle, ever, really not at all.', 30);
  assert.deepEqual(latin, ['English words should not be', 'split anywhere in the middle,', 'ever, really not at all.']);
});

test('closing punctuation never starts a line and opening brackets never end one (避头尾)', () => {
  // At 20 columns, "，" would start the second line.
  assert.deepEqual(wrapLine('一二三四五六七八九十，十一十二', 20), ['一二三四五六七八九十，', '十一十二']);
  // Beyond the hanging allowance the character before the punctuation moves down with it.
  assert.deepEqual(
    wrapLine('一二三四五六七八九十」」」」，好', 20).map((l) => l[0]),
    ['一', '十'],
  );
  // "《" would end the first line: it moves down with its title.
  assert.deepEqual(wrapLine('一二三四五六七八九《十一》', 20), ['一二三四五六七八九', '《十一》']);
  // A last line of a single character takes one more from the line above.
  assert.deepEqual(wrapLine('一二三四五六七八九十一', 20), ['一二三四五六七八九', '十一']);
});

test('URLs are never broken and stay on the line of a short label', () => {
  const url = 'https://www.cankaoxiaoxi.com/#/detailsPage/%20/7c2e4a5b6d8f4e0a9b1c3d5e7f9a1b2c/1/2024-07-14%2008:00?a=b&c=d';
  assert.deepEqual(wrapLine(`原文：${url}`, 72), [`原文：${url}`]);
  // Inside a long sentence the URL moves to the next line whole; trailing Chinese punctuation is not part of it.
  const lines = wrapLine(`详情请参阅发布会的完整记录和附件材料以及相关的政策解读文章：${url}。此外还有其他内容。`, 72);
  assert.equal(lines.filter((l) => l.includes(url)).length, 1, lines.join('\n'));
  assert.equal(
    lines.join('').replace(/\s+/g, ''),
    `详情请参阅发布会的完整记录和附件材料以及相关的政策解读文章：${url}。此外还有其他内容。`,
  );
  assert.ok(!lines.some((l) => l.startsWith('。')));
  // A URL longer than the line is left long rather than broken.
  const huge = `https://example.org/${'a'.repeat(120)}`;
  assert.deepEqual(wrapLine(`更多内容请见这个很长的链接 ${huge}`, 72), ['更多内容请见这个很长的链接', huge]);
});

test('numbered lines wrap with a hanging indent; indented lines keep their indent', () => {
  const lines = wrapLine('12. 上海：发布措施促进微短剧产业发展每年将统筹设立 5000 万元产业引导经费', 40);
  assert.ok(lines.length > 1);
  for (const l of lines.slice(1)) assert.match(l, /^ {4}\S/);
  const toc = wrapLine('  39. 上海：发布措施促进微短剧产业发展每年将统筹设立 5000 万元产业引导经费', 40);
  for (const l of toc.slice(1)) assert.match(l, /^ {6}\S/);
});

test('wrapText keeps blank lines, collapses runs of them and ends with one newline', () => {
  assert.equal(wrapText('a\n\n\n\nb\n\n'), 'a\n\nb\n');
});

test('wrapText flowed: soft breaks end in a space that a client deletes; Latin keeps its one space; stuffing', () => {
  const line = `${'中文段落'.repeat(12)} English words here and more words to wrap ${'结尾'.repeat(8)}`;
  const flowed = wrapText(`${line}\n  39. 目录行\nFrom here\n`, 40, true);
  const lines = flowed.trimEnd().split('\n');
  // Every line but a paragraph's last ends in exactly the soft-break space; no hanging indent.
  const para = lines.slice(0, -2);
  assert.ok(para.length > 2);
  for (const l of para.slice(0, -1)) assert.match(l, /\S {1,2}$/);
  assert.doesNotMatch(para.at(-1)!, / $/);
  for (const l of para.slice(1)) assert.match(l, /^\S/);
  // Lines starting with a space or "From " are space-stuffed.
  assert.deepEqual(lines.slice(-2), ['   39. 目录行', ' From here']);
  assert.equal(unflow(flowed), `${line}\n  39. 目录行\nFrom here\n`);
});

test('the text part of real issues: format=flowed at 72 columns, hanging punctuation or a URL only past it, every URL whole', async () => {
  const templates = loadTemplates(TEMPLATES_DIR);
  for (const issue of [loadIssue('seed-2024-07-15'), issueOfSize(200)]) {
    const r = await renderIssue(issue, templates, renderOptions());
    const lines = r.emailText.split('\n');
    for (const line of lines) {
      if (/https?:\/\//.test(line)) continue;
      // The soft-break space (and a space-stuffing one) is not part of the text a reader sees.
      const shown = line.replace(/^ /, '').replace(/ {1,2}$/, '');
      assert.ok(displayWidth(shown) <= 76, `too wide (${displayWidth(shown)}): ${line}`);
      if (displayWidth(shown) > 72) assert.match(shown, /[，。、；：？！）》」』”’…,.;:?!)]$/u, `only punctuation may hang: ${line}`);
    }
    // What a phone shows: one line per paragraph, so every summary and title reads whole.
    const reflowed = unflow(r.emailText).split('\n');
    for (const item of r.view.sections.flatMap((s) => s.items)) {
      const heading = item.book ? `${item.position}. 《${item.book.title}》` : `${item.position}. ${item.fullTitle}`;
      assert.ok(reflowed.includes(heading), String(item.position));
      if (!item.brief && !item.book) assert.ok(reflowed.includes(item.summary), `summary of ${item.position}`);
      // Every link of every item appears whole on a line of its own label.
      // A book card is whole in the email: no 全文 link; its link is the book's page.
      if (item.book) {
        if (item.link) assert.ok(lines.includes(`图书详情：${item.link}`), item.link);
        continue;
      }
      assert.ok(reflowed.includes(`全文：${item.webLink}`) === item.readMore, item.webLink);
      if (item.link) assert.ok(lines.includes(`原文：${item.link}`), item.link);
    }
  }
});
