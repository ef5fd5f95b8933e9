/**
 * The pure middle stages together, on fixed fixtures with a fixed clock:
 * editor items → select → section → render → personalize.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { DateTime } from 'luxon';
import { parsePlainItems } from '../../src/ingest/inbox.ts';
import { buildItem } from '../../src/ingest/item.ts';
import { renderIssue } from '../../src/render/index.ts';
import { personalize } from '../../src/render/personalize.ts';
import { loadTemplates } from '../../src/render/templates.ts';
import { unflow } from '../../src/render/text.ts';
import { TOKENS } from '../../src/render/view.ts';
import { cutoffFor } from '../../src/util/time.ts';
import { defaultSections } from '../../src/config/sections.ts';
import { buildIssue } from '../../src/section/build.ts';
import { selectItems } from '../../src/section/select.ts';
import { FIXED_NOW } from '../helpers/tmp.ts';

const ZONE = 'Asia/Shanghai';
const PLAIN = `两部门: 进一步支持专精特新中小企业高质量发展

新京报 2024-07-13

财政部、工业和信息化部近日联合印发《关于进一步支持专精特新中小企业高质量发展的通知》，部署通过中央财政资金进一步支持专精
特新中小企业高质量发展工作。

附：《关于进一步支持专精特新中小企业高质量发展的通知》

<https://mp.weixin.qq.com/s/3FJ2eIXXXcqBSK7zkP57Gg?utm_source=x>

日媒：中国风电专利竞争力跃居世界第一

参考消息网 2024-07-14

日本经济新闻网站报道，中国风电专利竞争力跃居世界第一。

北京：亦庄将建全域人工智能之城

中国新闻网 2024-07-14

北京经济技术开发区发布方案。

工信部：印发《锂离子电池行业规范条件》

中国新闻网 2024-06-19

这一条太旧，不在本期的时间窗内。
`;

function fixtureItems() {
  const seen = FIXED_NOW.toISOString();
  return parsePlainItems(PLAIN, 'fixture.txt', 'inbox').map((e) => buildItem(e, seen, ZONE));
}

test('select keeps items inside (cutoff − maxAgeDays, cutoff]', () => {
  const cutoff = cutoffFor('2024-07-15', '0 7 * * *', ZONE);
  assert.equal(cutoff.toISO(), '2024-07-15T07:00:00.000+08:00');
  const selected = selectItems(fixtureItems(), cutoff, 3);
  assert.deepEqual(
    selected.map((i) => i.issuer),
    ['两部门', '日媒', '北京'],
  );
});

test('section: every item lands in a section with a reason', () => {
  const cutoff = cutoffFor('2024-07-15', '0 7 * * *', ZONE);
  const issue = buildIssue({
    date: '2024-07-15',
    title: '信息摘编',
    numbering: { year: 2024, number: 7, totalNumber: 37 },
    cutoff: cutoff.toISO()!,
    windowStart: cutoff.minus({ days: 3 }).toISO()!,
    items: selectItems(fixtureItems(), cutoff, 3),
    sections: defaultSections(),
    overrides: new Map(),
  });
  const where = Object.fromEntries(issue.sections.flatMap((s) => s.items.map((i) => [i.issuer, [s.id, i.reason]])));
  assert.equal(where.两部门![0], 'hot');
  assert.match(where.两部门![1]!, /^规则 hot\.central-bodies（发布机构 两部门 属 central-bodies）$/);
  assert.equal(where.日媒![0], 'intl');
  assert.equal(where.北京![0], 'domestic');
  assert.deepEqual(
    issue.sections.flatMap((s) => s.items.map((i) => i.position)),
    [1, 2, 3],
  );
  assert.equal(issue.window.from.slice(0, 10), '2024-07-13');
  // Editor overrides win over the rules.
  const moved = buildIssue({
    date: '2024-07-15',
    title: 't',
    numbering: { year: 2024, number: 7, totalNumber: 37 },
    cutoff: cutoff.toISO()!,
    windowStart: cutoff.minus({ days: 3 }).toISO()!,
    items: fixtureItems().slice(0, 1),
    sections: defaultSections(),
    overrides: new Map([
      [fixtureItems()[0]!.id, { itemId: fixtureItems()[0]!.id, sectionId: 'industry', excluded: false, pinnedFirst: false }],
    ]),
  });
  // The reason is in the default publication language, Chinese.
  assert.equal(moved.sections.find((s) => s.id === 'industry')!.items[0]!.reason, '编辑移入本栏');
});

test('render: masthead numbering, window, TOC anchors, text part, tokens filled per recipient', async () => {
  const cutoff = cutoffFor('2024-07-15', '0 7 * * *', ZONE);
  const issue = buildIssue({
    date: '2024-07-15',
    title: '信息摘编',
    numbering: { year: 2024, number: 7, totalNumber: 37 },
    cutoff: cutoff.toISO()!,
    windowStart: cutoff.minus({ days: 3 }).toISO()!,
    items: selectItems(fixtureItems(), cutoff, 3),
    sections: defaultSections(),
    overrides: new Map(),
  });
  const publication = {
    title: '信息摘编',
    description: 'd',
    baseUrl: 'https://example.org/digest/',
    timezone: ZONE,
    language: 'zh-CN',
    editorialUnit: '天津港保税区文教局',
    contacts: [{ label: '电话', value: '(022) 84925879' }],
    editors: [],
  };
  const r = await renderIssue(issue, loadTemplates('templates'), { publication, summaryChars: 220 });
  // The subject carries the lead headline (publication.subject's default `{{title}}｜{{lead}}`).
  const lead = r.view.sections[0]!.items[0]!;
  assert.equal(r.subject, `信息摘编｜${lead.fullTitle}`);
  assert.match(r.emailHtml, /2024年 第七期（总第三十七期）/);
  assert.match(r.emailHtml, /2024\.07\.13-2024\.07\.14/);
  assert.match(r.emailHtml, /href="#section-hot"/);
  assert.match(r.emailHtml, /id="item-1"/);
  assert.match(r.emailHtml, /两部门：进一步支持专精特新中小企业高质量发展/);
  assert.ok(r.emailHtml.includes('附：《关于进一步支持专精特新中小企业高质量发展的通知》'));
  // Tracking parameters are gone from the link to the original.
  assert.ok(r.emailHtml.includes('https://mp.weixin.qq.com/s/3FJ2eIXXXcqBSK7zkP57Gg'));
  assert.ok(!r.emailHtml.includes('utm_source'));
  // Hard line breaks inside CJK text are joined without a space (the text part is format=flowed:
  // what a reader's client shows after joining its soft breaks).
  assert.ok(unflow(r.emailText).includes('进一步支持专精特新中小企业高质量发展工作'));
  assert.match(r.emailText, /^1\. 两部门：/m);
  assert.ok(r.emailHtml.includes(TOKENS.unsubscribeUrl) && r.emailText.includes(TOKENS.unsubscribeUrl));
  const mine = personalize(r, { name: '张三', unsubscribeUrl: 'https://example.org/digest/unsubscribe?u=1&t=abc' });
  assert.ok(!mine.html.includes('%%DIGEST_'));
  assert.ok(mine.html.includes('https://example.org/digest/unsubscribe?u=1&amp;t=abc'));
  assert.ok(mine.text.includes('https://example.org/digest/unsubscribe?u=1&t=abc'));
  assert.match(r.webHtml, /<article id="item-1">/);
  assert.ok(DateTime.fromISO(issue.cutoff).isValid);
});
