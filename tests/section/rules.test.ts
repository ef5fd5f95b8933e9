/**
 * Rules as data: precedence, catch-all, named lists, `unless`, `minHits`,
 * non-decisive hints, the shipped defaults, and configuration errors.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { defaultSections, shippedLists } from '../../src/config/sections.ts';
import { checkRules } from '../../src/config/sections.ts';
import { reasonTexts } from '../../src/section/reasons.ts';
import { compileRules, placeByRules } from '../../src/section/rules.ts';

/** Reasons in English (tests/section/reasons.test.ts checks both languages). */
const EN = reasonTexts('en');
import type { SectionConfig } from '../../src/types.ts';
import { item } from './helpers.ts';

const lists = { bodies: ['国务院', '多部门'], places: ['北京', '上海'], sectors: ['汽车', '光伏'] };

const sections: SectionConfig[] = [
  { id: 'hot', title: '热点关注', rules: [{ id: 'hot.bodies', issuerLists: ['bodies'], priority: 10, decisive: false }] },
  {
    id: 'industry',
    title: '行业动向',
    rules: [
      { id: 'industry.sector', issuerLists: ['bodies'], keywordLists: ['sectors'], priority: 20 },
      { id: 'industry.other', priority: -100 },
    ],
  },
  {
    id: 'domestic',
    title: '国内动态',
    rules: [{ id: 'domestic.places', issuerLists: ['places'], priority: 40 }],
  },
  { id: 'ftz', title: '自贸专题', rules: [{ id: 'ftz.text', keywords: ['自贸'], inText: true, minHits: 2, priority: 50 }] },
  {
    id: 'intl',
    title: '国际视野',
    rules: [
      { id: 'intl.media', issuerPatterns: ['^[\\p{Script=Han}]{1,2}媒$'], priority: 45 },
      { id: 'intl.abroad', keywords: ['海外'], unless: [{ issuerLists: ['bodies', 'places'] }], priority: 25 },
      { id: 'intl.tie', keywords: ['汽车'], priority: 20 },
    ],
  },
];
const rules = compileRules(sections, lists);
const place = (title: string, extra = {}) => placeByRules(item(title, extra), rules, EN);

test('the highest priority wins; the reason names the rule and what matched', () => {
  const v = place('多部门：推动汽车以旧换新');
  assert.equal(v.sectionId, 'industry');
  assert.equal(v.reason, 'rule industry.sector (issuer 多部门 in bodies, keyword 「汽车」 in sectors)');
  assert.equal(v.decisive, true);
  // Without the sector word only the weaker (non-decisive) rule matches.
  const hint = place('多部门：打造消费新场景');
  assert.equal(hint.sectionId, 'hot');
  assert.equal(hint.decisive, false);
  assert.equal(hint.ruleId, 'hot.bodies');
});

test('equal priority: the earlier section wins', () => {
  // industry.sector (20, needs a body) vs intl.tie (20): the same headline from a body goes to the earlier section.
  assert.equal(place('国务院：汽车出口').sectionId, 'industry');
  // With no body issuer only intl.tie matches.
  assert.equal(place('汽车出口增长').sectionId, 'intl');
});

test('catch-all only when nothing else matches, and it is not decisive', () => {
  const v = place('某协会：发布年度报告');
  assert.equal(v.sectionId, 'industry');
  assert.equal(v.catchAll, true);
  assert.equal(v.decisive, false);
  assert.match(v.reason, /rule industry\.other \(no other rule matched\)/);
  const none = placeByRules(
    item('某协会：发布年度报告'),
    compileRules(
      sections.map((s) => ({ ...s, rules: s.rules.filter((r) => r.id !== 'industry.other') })),
      lists,
    ),
    EN,
  );
  assert.equal(none.sectionId, null);
  assert.match(none.reason, /no rule matched/);
});

test('issuer patterns, unless vetoes, and keyword counts in the text', () => {
  assert.equal(place('日媒：中国风电专利竞争力跃居世界第一').sectionId, 'intl');
  assert.match(place('日媒：中国风电专利竞争力跃居世界第一').reason, /issuer 日媒 ~ \//);
  assert.equal(place('深圳智能制造集团走向海外').sectionId, 'intl');
  // The same word from a place is the place's news: `unless` vetoes intl.abroad.
  assert.equal(place('北京：支持企业拓展海外市场').sectionId, 'domestic');
  // One mention of 自贸 in the body is not enough; three are.
  assert.equal(place('上海：推进高水平开放', { text: '临港自贸片区发布举措。' }).sectionId, 'domestic');
  const ftz = place('厦门：推出新机制', { text: '落户自贸片区。自贸片区管委会表示，自贸片区将继续发挥优势。' });
  assert.equal(ftz.sectionId, 'ftz');
  assert.match(ftz.reason, /keyword 「自贸」 \(2\+ mentions\)/);
});

test('a headline prefix that is not a known body still counts as headline text', () => {
  const r = compileRules([{ id: 'hot', title: '热点关注', rules: [{ id: 'hot.macro', titlePatterns: ['PMI'], priority: 30 }] }], lists);
  // Rules test the headline as printed, "issuer：title", so a prefix taken for an issuer still counts.
  const it = item('制造业景气度基本稳定', { issuer: '解读6月份PMI数据' });
  assert.equal(it.issuer, '解读6月份PMI数据');
  assert.equal(placeByRules(it, r).sectionId, 'hot');
  assert.equal(placeByRules(item('解读6月份PMI数据： 制造业景气度基本稳定'), r).sectionId, 'hot');
});

test('shipped defaults: four sections whose rules place typical headlines', () => {
  const defaults = defaultSections();
  assert.deepEqual(
    defaults.map((s) => s.title),
    ['热点关注', '行业动向', '国际视野', '国内动态'],
  );
  const r = compileRules(defaults, shippedLists());
  const where = (t: string) => placeByRules(item(t), r);
  assert.equal(where('国务院：明确将给予央企创投基金更大支持').sectionId, 'hot');
  assert.equal(where('工信部：出台新规加速光伏制造行业落后产能淘汰').sectionId, 'industry');
  assert.equal(where('市监局：对电动自行车用锂电池实施强制性产品认证').sectionId, 'industry');
  assert.equal(where('工信部：组织开展大企业“发榜”中小企业“揭榜”').sectionId, 'hot');
  assert.equal(where('韩媒：韩对华出口降幅创近 40 年之最').sectionId, 'intl');
  assert.equal(where('俄罗斯成中国汽车最大出口市场').sectionId, 'intl');
  assert.equal(where('乌鲁木齐：发布措施支持外贸企业').sectionId, 'domestic');
  // Issue 17: China's trade with the world is 国际视野 whoever reports it (it was 热点关注 as macro data).
  assert.equal(where('海关总署：上半年进出口总值同比增长').sectionId, 'intl');
  assert.equal(where('商务部：前5个月全国实际使用外资金额4125.1亿元').sectionId, 'intl');
  // National significance whatever the body: a briefing, a federation's monthly index, a central meeting, national statistics.
  assert.equal(where('国新办：新一轮千亿斤粮食产能提升行动方案发布').sectionId, 'hot');
  assert.equal(where('中国物流与采购联合会：5月份中国物流业景气指数为51.9%').sectionId, 'hot');
  assert.equal(where('中央金融工作会议：做好科技金融等五篇大文章').sectionId, 'hot');
  assert.equal(where('国家统计局：1-5月份全国房地产开发投资同比下降10.1%').sectionId, 'hot');
  // …while the same federation's one-trade figures stay sector news, and a place stays a place.
  assert.equal(where('中国汽车工业协会：1-6月汽车产销量双双突破1400万辆').sectionId, 'industry');
  assert.equal(where('中国光伏行业协会：上半年多晶硅产量同比增长').sectionId, 'industry');
  assert.equal(where('合肥市：出台新能源汽车产业集群建设行动方案').sectionId, 'domestic');
  assert.equal(where('上海：贯彻落实中央金融工作会议精神').sectionId, 'domestic');
  // Every shipped rule refers only to shipped lists.
  assert.deepEqual(checkRules(defaults, shippedLists()), []);
});

test('config: lists by name, unknown list names and bad patterns are errors naming the rule', () => {
  const ok = parseConfig(
    {
      sectioning: { lists: { mine: ['某某局'] } },
      sections: [{ id: 'a', title: 'A', rules: [{ id: 'a.r', issuerLists: ['mine', 'places'] }] }],
    },
    'f.yaml',
    {},
  );
  assert.deepEqual(ok.sectioning.lists.mine, ['某某局']);
  assert.ok(ok.sectioning.lists.places!.includes('北京'), 'shipped lists stay available');
  assert.throws(
    () => parseConfig({ sections: [{ id: 'a', title: 'A', rules: [{ id: 'a.r', keywordLists: ['nope'] }] }] }, 'f.yaml', {}),
    /sections\.a\.rules\.a\.r: keywordLists names an unknown list "nope"/,
  );
  assert.throws(
    () => parseConfig({ sections: [{ id: 'a', title: 'A', rules: [{ id: 'a.r', unless: [{ outletPatterns: ['('] }] }] }] }, 'f.yaml', {}),
    /sections\.a\.rules\.a\.r: bad pattern/,
  );
  assert.throws(() => parseConfig({ sectioning: { order: ['bogus'] } }, 'f.yaml', {}), /sectioning\.order/);
});
