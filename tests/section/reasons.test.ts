/**
 * Placement reasons follow `publication.language` through one catalogue
 * (src/section/reasons.ts): Chinese for the shipped zh-CN, English for en —
 * rules and what matched, editors' moves and exclusions, a file's section,
 * the classifier's guess and a review flag, a cap — in the built issue and
 * in issue.json; and the classifier learns from past reasons in either language.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { composeIssue, type Context, ingestStep } from '../../src/cycle/index.ts';
import { issueJson } from '../../src/publish/index.ts';
import { buildIssue, type Fallback } from '../../src/section/build.ts';
import { trainingExamples } from '../../src/section/learned.ts';
import { isEditorReason, isGuessReason } from '../../src/section/reasons.ts';
import { openStore } from '../../src/store/index.ts';
import type { Item, PastPlacement, SectionConfig } from '../../src/types.ts';
import { afterFile } from '../helpers/cleanup.ts';
import { ROOT } from '../helpers/cli.ts';
import { sampleSources, TEST_SECRET } from '../helpers/config.ts';
import { fixedClock, tempDir } from '../helpers/tmp.ts';
import { input, item, placements } from './helpers.ts';

const sections: SectionConfig[] = [
  { id: 'hot', title: '热点关注', rules: [{ id: 'hot.bodies', issuers: ['国务院'], keywords: ['政策'], priority: 10 }] },
  { id: 'domestic', title: '国内动态', cap: 1, rules: [{ id: 'domestic.places', issuers: ['北京', '上海'] }] },
  { id: 'intl', title: '国际视野', rules: [{ id: 'intl.hint', keywords: ['出口'], decisive: false }] },
];

const items: Item[] = [
  item('国务院：出台新政策'),
  item('北京：发布规划'),
  item('上海：发布方案'),
  item('某协会：召开年会'),
  item('日媒：中国出口增长'),
  item('工信部：举办发布会'),
  item('海关：公布数据', { section: '国内动态' }),
];

/** A classifier that is never confident: it guesses 国内动态 for anything, with 国际视野 second. */
const unsure: Fallback = () => ({
  sectionId: 'domestic',
  confidence: 0.41,
  confident: false,
  runnerUp: { sectionId: 'intl', confidence: 0.3 },
  reason: 'CLASSIFIER',
});

function build(language: string) {
  const overrides = new Map([
    [items[5]!.id, { itemId: items[5]!.id, sectionId: 'intl', excluded: false, pinnedFirst: false }],
    [items[3]!.id, { itemId: items[3]!.id, sectionId: null, excluded: true, pinnedFirst: false }],
  ]);
  return placements(buildIssue(input(items, sections, { overrides, language })));
}

describe('placement reasons in the publication language', () => {
  test('zh-CN: rules and what matched, editors and a file section, in Chinese', () => {
    const where = build('zh-CN');
    assert.deepEqual(where.get('出台新政策'), ['hot', '规则 hot.bodies（发布机构 国务院，关键词「政策」）']);
    assert.deepEqual(where.get('召开年会'), [null, '编辑已排除']);
    assert.deepEqual(where.get('举办发布会'), ['intl', '编辑移入本栏']);
    assert.deepEqual(where.get('公布数据')?.[1], '编辑稿件指定的栏目（稿件头部的 section 字段）');
  });

  test('en: the same placements, in English', () => {
    const where = build('en');
    assert.deepEqual(where.get('出台新政策'), ['hot', 'rule hot.bodies (issuer 国务院, keyword 「政策」)']);
    assert.deepEqual(where.get('召开年会'), [null, 'excluded by an editor']);
    assert.deepEqual(where.get('举办发布会'), ['intl', 'moved here by an editor']);
    assert.deepEqual(where.get('公布数据')?.[1], 'section given in the editor item (front matter section:)');
  });

  test('the classifier, a review flag and a cap, in both languages', () => {
    const issue = (language: string) => buildIssue(input(items.slice(0, 5), sections, { fallback: unsure, language }));
    const reasons = (language: string) => {
      const built = issue(language);
      return {
        guessed: built.sections.flatMap((s) => s.items).find((i) => i.title === '召开年会')!,
        hint: built.sections.flatMap((s) => s.items).find((i) => i.title === '中国出口增长')!,
        over: built.sections.find((s) => s.id === 'domestic')!.overflow.map((i) => i.reason),
      };
    };
    const zh = reasons('zh-CN');
    assert.equal(zh.guessed.reason, 'CLASSIFIER——把握不足，是最可能的栏目');
    assert.equal(zh.guessed.review, true);
    assert.equal(zh.hint.reason, '规则 intl.hint（关键词「出口」）；CLASSIFIER 把握不足，未推翻');
    assert.equal(zh.hint.runnerUp, 'domestic');
    assert.ok(zh.over.length > 0 && zh.over.every((r) => r.endsWith('；超出国内动态的上限（1 条），留作下一期的候选')), zh.over.join('\n'));
    const en = reasons('en');
    assert.equal(en.guessed.reason, 'CLASSIFIER — not confident, best guess');
    assert.equal(en.hint.reason, 'rule intl.hint (keyword 「出口」); CLASSIFIER is not confident enough to overrule it');
    assert.ok(en.over.every((r) => r.endsWith('; over the cap (1) of 国内动态, stays a candidate for the next issue')));
  });

  test('the classifier learns from past reasons in either language: editors weigh more, unreviewed guesses are left out', () => {
    const s: SectionConfig[] = ['hot', 'intl'].map((id) => ({ id, title: id, rules: [] }));
    const past = (itemId: string, reason: string): PastPlacement => ({
      itemId,
      item: item(itemId),
      sectionId: 'hot',
      reason,
      reviewed: false,
    });
    const examples = trainingExamples(
      [
        past('a', '编辑移入本栏'),
        past('b', 'moved here by an editor'),
        past('c', '分类器 naive-bayes 0.55（热点关注）——把握不足，是最可能的栏目'),
        past('d', 'classifier naive-bayes 0.55 (hot) — not confident, best guess'),
        past('e', '规则 hot.x（发布机构 国务院）；分类器 naive-bayes 0.60（国际视野） 把握不足，未推翻'),
        past('f', '规则 hot.x（发布机构 国务院）'),
        past('g', '编辑稿件指定的栏目（section:）'),
      ],
      [],
      s,
    );
    assert.deepEqual(
      examples.map((e) => [e.item.title, e.weight]),
      [
        ['a', 3],
        ['b', 3],
        ['f', 1],
        ['g', 3],
      ],
    );
    assert.ok(isEditorReason('section given in the editor item (front matter section:)'));
    assert.ok(isGuessReason('rule x.catch (no other rule matched)') && isGuessReason('规则 x.catch（没有其他规则匹配）'));
    assert.ok(!isGuessReason('规则 hot.x（发布机构 国务院）；分类器 naive-bayes 0.93（热点关注） 一致'));
  });
});

describe('from the configuration to issue.json', () => {
  async function composed(language?: string) {
    const dir = tempDir('digest-reasons-');
    const config = parseConfig(
      {
        publication: {
          title: '信息摘编',
          baseUrl: 'https://example.org/digest/',
          timezone: 'Asia/Shanghai',
          ...(language ? { language } : {}),
        },
        store: { path: join(dir, 'digest.db') },
        output: { dir: join(dir, 'out') },
        selection: { maxAgeDays: 3650 },
        sources: sampleSources(join(ROOT, 'config/samples')),
        delivery: { from: '信息摘编 <digest@example.org>', unsubscribeSecret: TEST_SECRET },
      },
      'test config',
    );
    const store = openStore(config.store.path);
    afterFile(() => store.close());
    const ctx: Context = { config, store, now: fixedClock(), log: () => {} };
    await ingestStep(ctx);
    // Editors' moves: corrections the classifier learns from, so its reasons show up too.
    const before = composeIssue(ctx, '2024-07-15').sections;
    const first = before[0]!.items[0]!;
    store.overrides.set(first.id, { sectionId: 'intl', excluded: false }, '2024-07-15T00:00:00.000Z');
    store.overrides.set(before[1]!.items[0]!.id, { sectionId: 'domestic', excluded: false }, '2024-07-15T00:00:00.000Z');
    const json = issueJson(composeIssue(ctx, '2024-07-15'), new Map()) as { sections: { items: { id: string; reason: string }[] }[] };
    return { moved: first.id, reasons: json.sections.flatMap((s) => s.items.map((i) => [i.id, i.reason] as const)) };
  }

  test('the shipped default (zh-CN) writes Chinese reasons, en English ones', async () => {
    const zh = await composed();
    assert.ok(zh.reasons.length > 40);
    assert.equal(new Map(zh.reasons).get(zh.moved), '编辑移入本栏');
    for (const [, r] of zh.reasons) {
      assert.match(r, /^(规则 |编辑|分类器 |稿件指定的栏目“research”未配置；)/);
      assert.doesNotMatch(r, /\b(rule|issuer|keyword|title|classifier|agrees|overrules|review|editor)\b/, r);
    }
    assert.ok(
      zh.reasons.some(([, r]) => r.includes('分类器 naive-bayes')),
      'the classifier speaks Chinese too',
    );
    const en = await composed('en');
    assert.equal(new Map(en.reasons).get(en.moved), 'moved here by an editor');
    for (const [, r] of en.reasons)
      assert.match(r, /^(rule |moved here|section given|classifier |front matter section "research" is not a configured section; )/);
    assert.ok(en.reasons.some(([, r]) => r.includes('classifier naive-bayes')));
  });
});
