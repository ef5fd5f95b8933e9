/**
 * The section stage: who decides (override, front matter, rules, classifier),
 * order inside a section, caps and overflow.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { buildIssue, type Fallback } from '../../src/section/build.ts';
import type { Override, SectionConfig } from '../../src/types.ts';
import { input, item, placements } from './helpers.ts';

const lists = { bodies: ['国务院', '多部门', '工信部'], places: ['北京', '上海', '广州'] };
const sections: SectionConfig[] = [
  { id: 'hot', title: '热点关注', rules: [{ id: 'hot.bodies', issuerLists: ['bodies'], priority: 10, decisive: false }] },
  { id: 'industry', title: '行业动向', rules: [{ id: 'industry.other', priority: -100 }] },
  { id: 'intl', title: '国际视野', rules: [{ id: 'intl.media', issuerPatterns: ['媒$'], priority: 45 }] },
  { id: 'domestic', title: '国内动态', rules: [{ id: 'domestic.places', issuerLists: ['places'], priority: 40 }] },
];
const weights = { 国务院: 90, 多部门: 60, 工信部: 40 };
const base = { lists, issuerWeights: weights };
const override = (itemId: string, o: Partial<Override>): [string, Override] => [
  itemId,
  { itemId, sectionId: null, excluded: false, pinnedFirst: false, ...o },
];

test('editor overrides: move, exclude, pin first — and they beat every rule', () => {
  const a = item('北京：出台措施', { date: '2024-07-13' });
  const b = item('日媒：中国风电专利', { date: '2024-07-13' });
  const c = item('上海：发布方案', { date: '2024-07-12' });
  const d = item('广州：设立母基金', { date: '2024-07-14' });
  const issue = buildIssue(
    input([a, b, c, d], sections, {
      ...base,
      overrides: new Map([
        override(a.id, { sectionId: 'intl' }),
        override(b.id, { excluded: true }),
        override(d.id, { pinnedFirst: true }),
      ]),
    }),
  );
  const where = placements(issue);
  assert.deepEqual(where.get(a.title), ['intl', 'moved here by an editor']);
  assert.deepEqual(where.get(b.title), [null, 'excluded by an editor']);
  assert.deepEqual(
    issue.unplaced.map((i) => i.id),
    [b.id],
  );
  // Pinned first even though it is the newest; then by date.
  assert.deepEqual(
    issue.sections.find((s) => s.id === 'domestic')!.items.map((i) => i.id),
    [d.id, c.id],
  );
});

test('front matter section: by id or by title; an unknown one is reported, not lost', () => {
  const byId = item('北京：出台措施', { section: 'intl' });
  const byTitle = item('上海：发布方案', { section: '国际视野' });
  const unknown = item('广州：设立母基金', { section: 'sports' });
  const where = placements(buildIssue(input([byId, byTitle, unknown], sections, base)));
  assert.deepEqual(where.get(byId.title), ['intl', 'section given in the editor item (front matter section:)']);
  assert.equal(where.get(byTitle.title)![0], 'intl');
  assert.equal(where.get(unknown.title)![0], 'domestic');
  assert.match(where.get(unknown.title)![1], /^front matter section "sports" is not a configured section; rule domestic\.places/);
  // An override still beats the front matter.
  const moved = buildIssue(input([byId], sections, { ...base, overrides: new Map([override(byId.id, { sectionId: 'hot' })]) }));
  assert.equal(placements(moved).get(byId.title)![0], 'hot');
});

test('order: issuer weight, then date; configurable per section and globally', () => {
  const items = [
    item('工信部：甲', { date: '2024-07-12' }),
    item('多部门：乙', { date: '2024-07-14' }),
    item('国务院：丙', { date: '2024-07-13' }),
    item('国务院：丁', { date: '2024-07-11' }),
    item('某机构：戊', { date: '2024-07-10' }),
  ];
  const titles = (secs: SectionConfig[], extra = {}) =>
    buildIssue(input(items, secs, { ...base, ...extra })).sections[0]!.items.map((i) => `${i.issuer}：${i.title}`);
  const one: SectionConfig[] = [{ id: 'all', title: '全部', rules: [{ id: 'all', priority: 0, titlePatterns: ['.'] }] }];
  assert.deepEqual(titles(one), ['国务院：丁', '国务院：丙', '多部门：乙', '工信部：甲', '某机构：戊']);
  assert.deepEqual(titles(one, { order: ['date-desc'] }), ['多部门：乙', '国务院：丙', '工信部：甲', '国务院：丁', '某机构：戊']);
  assert.deepEqual(titles([{ ...one[0]!, order: ['date'] }], { order: ['issuer', 'date'] }), [
    '某机构：戊',
    '国务院：丁',
    '工信部：甲',
    '国务院：丙',
    '多部门：乙',
  ]);
  // Positions number the items through the whole issue, in order.
  const issue = buildIssue(input(items, one, base));
  assert.deepEqual(
    issue.sections[0]!.items.map((i) => i.position),
    [1, 2, 3, 4, 5],
  );
});

test('caps: the rest is overflow with a reason, never dropped; pinned items stay inside the cap', () => {
  const capped: SectionConfig[] = [{ ...sections[3]!, cap: 2 }];
  const items = ['北京：一', '上海：二', '广州：三'].map((t, k) => item(t, { date: `2024-07-1${k + 1}` }));
  const issue = buildIssue(input(items, capped, { ...base, overrides: new Map([override(items[2]!.id, { pinnedFirst: true })]) }));
  const s = issue.sections[0]!;
  assert.deepEqual(
    s.items.map((i) => i.title),
    ['三', '一'],
  );
  assert.deepEqual(
    s.overflow.map((i) => i.title),
    ['二'],
  );
  assert.match(s.overflow[0]!.reason, /^rule domestic\.places .*; over the cap \(2\) of 国内动态, stays a candidate for the next issue$/);
  assert.equal(s.overflow[0]!.position, 0);
  assert.equal(issue.unplaced.length, 0);
});

test('the classifier: best guess for catch-alls, overrules a hint only when confident, never a decisive rule', () => {
  const guesses = new Map<string, { sectionId: string; confidence: number }>([
    ['某协会：发布报告', { sectionId: 'intl', confidence: 0.55 }],
    ['国务院：公布政府采购改革任务', { sectionId: 'industry', confidence: 0.93 }],
    ['多部门：打造消费新场景', { sectionId: 'industry', confidence: 0.6 }],
    ['工信部：组织大企业发榜', { sectionId: 'hot', confidence: 0.9 }],
    ['北京：出台措施', { sectionId: 'intl', confidence: 0.99 }],
  ]);
  const calls: string[] = [];
  const fallback: Fallback = (i) => {
    const key = `${i.issuer}：${i.title}`;
    calls.push(key);
    const g = guesses.get(key)!;
    return { ...g, confident: g.confidence >= 0.8, reason: `classifier naive-bayes ${g.confidence.toFixed(2)} (${g.sectionId})` };
  };
  const items = [...guesses.keys()].map((t) => item(t));
  const where = placements(buildIssue(input(items, sections, { ...base, fallback })));
  assert.deepEqual(where.get('发布报告'), ['intl', 'classifier naive-bayes 0.55 (intl) — not confident, best guess']);
  assert.deepEqual(where.get('公布政府采购改革任务'), [
    'industry',
    'classifier naive-bayes 0.93 (industry); overrules rule hot.bodies (issuer 国务院 in bodies)',
  ]);
  assert.deepEqual(where.get('打造消费新场景'), [
    'hot',
    'rule hot.bodies (issuer 多部门 in bodies); classifier naive-bayes 0.60 (industry) is not confident enough to overrule it',
  ]);
  assert.deepEqual(where.get('组织大企业发榜'), [
    'hot',
    'rule hot.bodies (issuer 工信部 in bodies); classifier naive-bayes 0.90 (hot) agrees',
  ]);
  // A decisive rule stands even against a near-certain classifier, which only flags the item for review.
  assert.deepEqual(where.get('出台措施'), [
    'domestic',
    'rule domestic.places (issuer 北京 in places); review: classifier naive-bayes 0.99 (intl) disagrees',
  ]);
  assert.ok(calls.includes('北京：出台措施'), 'a decisive rule still asks the classifier, to flag doubts');
});

test('review flag: unsure or disputed placements carry review and the runner-up section; sure ones carry neither', () => {
  const guesses = new Map<string, { sectionId: string; confidence: number; runnerUp?: { sectionId: string; confidence: number } }>([
    ['某协会：发布报告', { sectionId: 'intl', confidence: 0.55, runnerUp: { sectionId: 'hot', confidence: 0.3 } }],
    ['多部门：打造消费新场景', { sectionId: 'industry', confidence: 0.6 }],
    ['工信部：组织大企业发榜', { sectionId: 'hot', confidence: 0.9 }],
    ['国务院：公布政府采购改革任务', { sectionId: 'industry', confidence: 0.99 }],
    ['北京：出台措施', { sectionId: 'intl', confidence: 0.9 }],
    ['上海：发布方案', { sectionId: 'intl', confidence: 0.97 }],
  ]);
  const fallback: Fallback = (i) => {
    const g = guesses.get(`${i.issuer}：${i.title}`)!;
    return { ...g, confident: g.confidence >= 0.8, reason: `classifier naive-bayes ${g.confidence.toFixed(2)} (${g.sectionId})` };
  };
  const issue = buildIssue(
    input(
      [...guesses.keys()].map((t) => item(t)),
      sections,
      { ...base, fallback },
    ),
  );
  const flags = new Map(issue.sections.flatMap((s) => s.items.map((i) => [i.title, [s.id, i.review ?? false, i.runnerUp ?? null]])));
  assert.deepEqual(flags.get('发布报告'), ['intl', true, 'hot'], 'a best guess below the threshold names its runner-up');
  assert.deepEqual(flags.get('打造消费新场景'), ['hot', true, 'industry'], 'the rule stands, the disagreeing classifier is the runner-up');
  assert.deepEqual(flags.get('组织大企业发榜'), ['hot', false, null], 'rule and classifier agree');
  assert.deepEqual(flags.get('公布政府采购改革任务'), ['industry', false, null], 'a near-certain overrule is not flagged');
  assert.deepEqual(flags.get('出台措施'), ['domestic', false, null], 'a decisive rule is doubted only by a near-certain classifier');
  assert.deepEqual(flags.get('发布方案'), ['domestic', true, 'intl']);
});
