/**
 * The learned classifier: training and prediction on fixed fixtures,
 * determinism, explanations, and what it learns from.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { explain, predict, trainClassifier, type TrainingExample } from '../../src/section/classifier.ts';
import { reasonTexts } from '../../src/section/reasons.ts';

/** Reasons in English (tests/section/reasons.test.ts checks both languages). */
const EN = reasonTexts('en');
import { bigrams, words } from '../../src/section/features.ts';
import {
  EDITOR_WEIGHT,
  MIN_EXAMPLES_TO_OVERRULE,
  learnedFallback,
  trainingExamples,
  type PastPlacement,
} from '../../src/section/learned.ts';
import type { SectionConfig } from '../../src/types.ts';
import { item } from './helpers.ts';

const lists = { places: ['北京', '上海', '广州', '江苏'], media: ['日媒', '韩媒', '德媒'] };
const ex = (title: string, sectionId: string): TrainingExample => ({ item: item(title), sectionId });
const training: TrainingExample[] = [
  ex('日媒：中国风电专利竞争力跃居世界第一', 'intl'),
  ex('韩媒：韩对华出口降幅创近40年之最', 'intl'),
  ex('俄罗斯成中国汽车最大出口市场', 'intl'),
  ex('中企海外投资持续增长', 'intl'),
  ex('北京：出台硬核举措加快培育发展新动能', 'domestic'),
  ex('上海：发布措施促进微短剧产业发展', 'domestic'),
  ex('广州：设立规模100亿元天使母基金', 'domestic'),
  ex('工信部：印发《锂离子电池行业规范条件》', 'industry'),
  ex('工信部：出台新规加速光伏制造行业落后产能淘汰', 'industry'),
  ex('市监局：对电动自行车用锂电池实施强制性产品认证', 'industry'),
];

test('segmentation: Intl.Segmenter words and Han bigrams', () => {
  assert.deepEqual(words('工信部印发锂离子电池行业规范条件'), words('工信部印发锂离子电池行业规范条件'));
  assert.ok(words('中国风电专利竞争力跃居世界第一').includes('专利'));
  assert.ok(!words('2030年中国汽车').some((w) => /^\d+$/.test(w)), 'numbers are not topics');
  assert.deepEqual(bigrams('出口市场 OK 中企'), ['出口', '口市', '市场', '中企']);
});

test('predicts from what it learned, with a probability and the features that decided', () => {
  const model = trainClassifier(training, lists);
  assert.deepEqual(model.classes, ['domestic', 'industry', 'intl']);
  const p = predict(model, item('德媒：中国对欧出口增长'), undefined, EN)!;
  assert.equal(p.sectionId, 'intl');
  assert.ok(p.confidence > 0.5 && p.confidence <= 1);
  assert.ok(Math.abs(p.ranking.reduce((n, r) => n + r.probability, 0) - 1) < 1e-9);
  assert.ok(
    p.evidence.some((e) => e.label === 'issuer in media'),
    JSON.stringify(p.evidence),
  );
  const reason = explain(p, (id) => ({ intl: '国际视野' })[id] ?? id, EN);
  assert.match(reason, /^classifier naive-bayes 0\.\d\d \(国际视野; top features: [^)]+\)$/);
  assert.equal(predict(model, item('江苏：产业专项基金集中签约'))!.sectionId, 'domestic');
  assert.equal(predict(model, item('工信部：发布电池行业标准'))!.sectionId, 'industry');
  // Only sections still configured may be predicted.
  assert.equal(predict(model, item('德媒：中国对欧出口增长'), new Set(['domestic', 'industry']))!.sectionId !== 'intl', true);
  assert.equal(predict(model, item('x'), new Set(['none'])), null);
  assert.equal(predict(model, item('x'), new Set(['intl'])), null, 'one possible section is no prediction');
});

test('deterministic: same data, same model, same prediction and explanation — whatever the example order', () => {
  const a = trainClassifier(training, lists);
  const b = trainClassifier([...training].reverse(), lists);
  for (const t of ['德媒：中国对欧出口增长', '北京：亦庄将建全域人工智能之城', '多部门：推动人工智能技术应用']) {
    const pa = predict(a, item(t))!;
    const pb = predict(b, item(t))!;
    assert.equal(pa.sectionId, pb.sectionId);
    assert.ok(Math.abs(pa.confidence - pb.confidence) < 1e-12);
    assert.equal(explain(pa, String), explain(pb, String));
  }
});

test('an editor correction outweighs the rules it contradicts', () => {
  // Three "hot" examples from 国务院, and one editor correction saying 政府采购 is industry news.
  const base = [
    ex('国务院：明确给予央企创投基金更大支持', 'hot'),
    ex('国务院：部署稳就业工作', 'hot'),
    ex('国务院：促进消费', 'hot'),
    ...training,
  ];
  const before = predict(trainClassifier(base, lists), item('国务院：政府采购改革任务'))!;
  const corrected = trainClassifier(
    [...base, { item: item('国务院：公布政府采购重点改革任务'), sectionId: 'industry', weight: EDITOR_WEIGHT }],
    lists,
  );
  const after = predict(corrected, item('国务院：政府采购改革任务'))!;
  assert.equal(before.sectionId, 'hot');
  assert.equal(after.sectionId, 'industry');
  // The explanation points at words of the corrected headline.
  assert.ok(
    after.evidence.some((e) => e.label === '采购'),
    JSON.stringify(after.evidence),
  );
  assert.match(explain(after, String, EN), /^classifier naive-bayes 0\.\d\d \(industry; top features: /);
});

test('what it learns from: corrections replace placements, editors weigh more, unreviewed guesses are skipped', () => {
  const sections: SectionConfig[] = ['hot', 'industry', 'intl'].map((id) => ({ id, title: id, rules: [] }));
  const past = (itemId: string, sectionId: string, reason: string, reviewed = false): PastPlacement => ({
    itemId,
    item: item(itemId),
    sectionId,
    reason,
    reviewed,
  });
  const examples = trainingExamples(
    [
      past('a', 'hot', 'rule hot.central-bodies (issuer 国务院)'),
      past('b', 'intl', 'moved here by an editor'),
      past('c', 'industry', 'classifier naive-bayes 0.55 (行业动向) — not confident, best guess'),
      past('d', 'industry', 'classifier naive-bayes 0.91 (行业动向)', true),
      past('e', 'gone', 'rule gone.x'),
      past('f', 'hot', 'rule hot.central-bodies (issuer 国务院)'),
    ],
    [{ itemId: 'f', item: item('f'), sectionId: 'industry' }],
    sections,
  );
  const got = examples.map((e) => [e.item.title, e.sectionId, e.weight]);
  assert.deepEqual(got, [
    ['a', 'hot', 1],
    ['b', 'intl', EDITOR_WEIGHT],
    ['d', 'industry', 1],
    ['f', 'industry', EDITOR_WEIGHT],
  ]);
});

test('a model trained on a handful of examples guesses but may not overrule a rule', () => {
  const sections: SectionConfig[] = ['domestic', 'industry', 'intl'].map((id) => ({ id, title: id, rules: [] }));
  assert.ok(training.length < MIN_EXAMPLES_TO_OVERRULE);
  const small = learnedFallback(trainClassifier(training, lists), sections, 0.5)!;
  const guess = small(item('德媒：中国对欧出口增长'))!;
  assert.equal(guess.sectionId, 'intl');
  assert.ok(guess.confidence >= 0.5);
  assert.equal(guess.confident, false);
  const twice = [...training, ...training, ...training];
  assert.equal(learnedFallback(trainClassifier(twice, lists), sections, 0.5)(item('德媒：中国对欧出口增长'))!.confident, true);
});
