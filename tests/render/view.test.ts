/**
 * The view model: summaries cut at sentence ends, numbering in Chinese
 * numerals, anchors, links that may reach a reader, and the preheader.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { chineseNumeral, numberingLine } from '../../src/render/numerals.ts';
import { cutAtSentence, flattenParagraphs, issueView, safeLink, subjectLine, withAltText } from '../../src/render/view.ts';
import { loadIssue, renderOptions } from './fixtures.ts';

test('chineseNumeral writes numbers as the masthead does', () => {
  const cases: [number, string][] = [
    [1, '一'],
    [7, '七'],
    [10, '十'],
    [11, '十一'],
    [20, '二十'],
    [37, '三十七'],
    [100, '一百'],
    [105, '一百零五'],
    [110, '一百一十'],
    [1000, '一千'],
    [1010, '一千零一十'],
    [10000, '一万'],
    [10001, '一万零一'],
    [12345, '一万二千三百四十五'],
    [100000, '十万'],
  ];
  for (const [n, text] of cases) assert.equal(chineseNumeral(n), text, String(n));
  assert.equal(numberingLine(2024, 7, 37), '2024年 第七期（总第三十七期）');
  assert.throws(() => chineseNumeral(-1), RangeError);
});

test('cutAtSentence keeps whole sentences (。！？) up to the limit', () => {
  const text = '第一句话说明情况。第二句话很重要！第三句是问题吗？第四句很长很长很长很长很长很长很长很长。';
  assert.deepEqual(cutAtSentence(text, 200), { text, truncated: false });
  assert.deepEqual(cutAtSentence(text, 30), { text: '第一句话说明情况。第二句话很重要！第三句是问题吗？', truncated: true });
  assert.deepEqual(cutAtSentence(text, 17), { text: '第一句话说明情况。第二句话很重要！', truncated: true });
  // A closing quote stays with its sentence.
  assert.equal(cutAtSentence('他说：“我们会继续推进。”随后离开了会场，没有回答记者的任何提问。', 20).text, '他说：“我们会继续推进。”');
  // A semicolon is not a sentence end.
  assert.equal(cutAtSentence('一是强化定位。二是开展试点；三是优化制度；四是支持重组；五是完善激励。', 20).text, '一是强化定位。');
});

test('cutAtSentence falls back to a clause boundary, then a hard cut, never mid-word', () => {
  const long = '证监会发布八条措施，聚焦强监管防风险促进高质量发展主线，坚持稳中求进、综合施策，在市场化法治化轨道上推动科创板持续健康发展';
  const cut = cutAtSentence(long, 40);
  assert.equal(cut.truncated, true);
  assert.equal(cut.text, '证监会发布八条措施，聚焦强监管防风险促进高质量发展主线，坚持稳中求进……');
  const latin = cutAtSentence('OpenAI announced that it would block API traffic from unsupported regions starting July', 40);
  assert.equal(latin.text, 'OpenAI announced that it would block……');
  const noBreak = cutAtSentence('一'.repeat(100), 40);
  assert.equal(noBreak.text, `${'一'.repeat(38)}……`);
  for (const max of [10, 40, 100, 220]) {
    for (const t of [long, '一'.repeat(300), loadIssue('seed-2024-07-15').sections[5]!.items[0]!.text])
      assert.ok(cutAtSentence(t, max).text.length <= max, `max ${max}`);
  }
});

test('paragraphs are joined without a space between Chinese text, with one between Latin', () => {
  assert.equal(flattenParagraphs('第一段。\n\n第二段。'), '第一段。第二段。');
  assert.equal(flattenParagraphs('First paragraph.\n\nSecond one.'), 'First paragraph. Second one.');
  assert.equal(flattenParagraphs('  见附件\n  Annex 1  '), '见附件Annex 1');
});

test('only http(s) links reach a reader; images get alt text', () => {
  assert.equal(safeLink('https://example.org/a?b=1'), 'https://example.org/a?b=1');
  assert.equal(safeLink('javascript:alert(1)'), null);
  assert.equal(safeLink('data:text/html,<script>'), null);
  assert.equal(safeLink('https://example.org/"onmouseover="x'), null);
  assert.equal(safeLink(null), null);
  assert.equal(
    withAltText('<p><img src="a.png"><img alt="图" src="b.png"></p>'),
    '<p><img loading="lazy" alt="" src="a.png"><img loading="lazy" alt="图" src="b.png"></p>',
  );
});

test('issueView: numbering, window, consecutive section numerals, anchors, meta and preheader', () => {
  const issue = loadIssue('small-2024-07-15');
  const view = issueView(issue, renderOptions().publication, 220);
  assert.equal(view.numbering, '2024年 第七期（总第三十七期）');
  // The subject carries the news: title｜lead headline (publication.subject's default).
  assert.equal(view.subject, '信息摘编｜两部门：进一步支持专精特新中小企业高质量发展');
  assert.equal(view.window, '2024.07.13-2024.07.14');
  // The empty 行业动向 section is left out and the numerals stay consecutive.
  assert.deepEqual(
    view.sections.map((s) => `${s.numeral}、${s.title}`),
    ['一、热点关注', '二、国际视野', '三、国内动态'],
  );
  assert.deepEqual(
    view.sections.map((s) => s.anchor),
    ['section-hot', 'section-intl', 'section-domestic'],
  );
  const [first, second] = view.sections[0]!.items;
  assert.equal(first!.fullTitle, '两部门：进一步支持专精特新中小企业高质量发展');
  assert.equal(first!.meta, '新京报　2024-07-13（另见：人民网、xinhua）');
  assert.equal(first!.anchor, 'item-1');
  assert.equal(first!.tocHref, '#item-1');
  assert.equal(first!.webLink, 'https://example.org/digest/issues/2024-07-15/#item-1');
  assert.equal(second!.link, null, 'a javascript: link never reaches the email');
  assert.equal(second!.readMore, true);
  const anonymous = view.sections[1]!.items[1]!;
  assert.equal(anonymous.fullTitle, 'OpenAI 对中国设限 业内人士称将倒逼中企加速自主研发');
  assert.equal(anonymous.meta, null);
  // The preheader complements the subject: counts per section, then the other sections' leads.
  assert.equal(
    view.preheader,
    '本期5条（热点关注2 国际视野2 国内动态1）：日媒：中国风电专利竞争力跃居世界第一；北京：亦庄将建全域人工智能之城',
  );
  assert.deepEqual(
    view.lead.map((i) => i.anchor),
    ['item-1', 'item-3', 'item-5'],
  );
  assert.equal(view.briefCount, 0);
});

test('subjectLine: the template fills title, lead, numbering and date; a long headline is cut to 60 characters', () => {
  const fields = { title: '信息摘编', lead: '一'.repeat(80), numbering: '2024年 第七期（总第三十七期）', date: '2024-07-15' };
  const cut = subjectLine('{{title}}｜{{lead}}', fields);
  assert.equal([...cut].length, 60);
  assert.equal(cut, `信息摘编｜${'一'.repeat(54)}…`);
  assert.equal(subjectLine('{{title}} {{numbering}}', fields), '信息摘编 2024年 第七期（总第三十七期）');
  assert.equal(subjectLine('{{ title }}｜{{date}}', fields), '信息摘编｜2024-07-15');
});

test('an empty issue never reads 本期0条', () => {
  const issue = loadIssue('small-2024-07-15');
  const empty = { ...issue, sections: issue.sections.map((s) => ({ ...s, items: [] })) };
  const view = issueView(empty, renderOptions().publication, 220);
  assert.equal(view.preheader, '本期暂无新条目。');
  assert.equal(view.subject, '信息摘编｜2024年 第七期（总第三十七期）');
});

test('issueView: items from briefFrom on are listed in the table of contents only, linking to the web', () => {
  const view = issueView(loadIssue('small-2024-07-15'), renderOptions().publication, { summaryChars: 100, briefFrom: 3 });
  const items = view.sections.flatMap((s) => s.items);
  assert.deepEqual(
    items.map((i) => i.brief),
    [false, false, true, true, true],
  );
  assert.equal(items[2]!.tocHref, 'https://example.org/digest/issues/2024-07-15/#item-3');
  assert.deepEqual(
    view.sections.map((s) => s.briefCount),
    [0, 2, 1],
  );
  assert.equal(view.briefCount, 3);
});

// A hang guard, not a benchmark (vitest's default 5 s timeout): before issue 15, flattening
// a 1 MB body re-read the string being built for every paragraph and took half a minute.
test('a 1 MB body of many paragraphs flattens in one pass', { timeout: 30_000 }, () => {
  const parts = Array.from({ length: 40_000 }, (_, i) => (i % 4 ? `第${i}段文字，内容很长。` : `Paragraph ${i} in English.`));
  const flat = flattenParagraphs(parts.join('\n\n'));
  // Every Chinese paragraph touches an English one, so no spaces go in; two Latin paragraphs get one.
  assert.equal(flat, parts.join(''));
  assert.equal(flattenParagraphs(['A one.', 'B two.', '中文。'].join('\n')), 'A one. B two.中文。');
});
