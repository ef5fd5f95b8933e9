/**
 * Learning from editors (issue 17): build issue N, correct it from the
 * labels, build issue N+1 of new items. With the rules shipped when issue 17
 * was filed, one corrected issue of its systematic confusions (national
 * bodies' indices and briefings, China-and-the-world) must fix most of them
 * on new items of the same kinds, without costing elsewhere; with today's
 * rules, learning must not hurt.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { foldOf, type CorpusItem } from '../../src/section/corpus.ts';
import { compileRules, disputedRules, disputeKey } from '../../src/section/rules.ts';
import { simulateLearning } from '../../src/section/simulate.ts';
import { before, lists, minConfidence, sections, seedHistory, train } from './corpus.ts';
import { item } from './helpers.ts';

const confusable = (l: CorpusItem) => /national federation|国新办|China's trade|expo/.test(l.record.why);
const kinds = train.filter(confusable);
const issueN = kinds.filter((l) => foldOf(l.record.id, 2) === 0);
const issueN1 = kinds.filter((l) => foldOf(l.record.id, 2) === 1);
const old = { sections: before.sections, lists: before.lists, minConfidence, history: seedHistory(before.sections) };

describe('learning from editors', () => {
  test('a correction disputes the decisive rule that misplaced the item, for that issuer only', () => {
    const rules = compileRules(before.sections, before.lists);
    const index = item('中国物流与采购联合会：6月份中国物流业景气指数为52.6%');
    assert.deepEqual(
      [...disputedRules([{ item: index, sectionId: 'hot' }], rules)],
      [disputeKey('industry.sector-regulators', '中国物流与采购联合会')],
    );
    // Agreeing with the rule, or correcting a classifier's guess, disputes nothing.
    assert.equal(disputedRules([{ item: index, sectionId: 'industry' }], rules).size, 0);
    assert.equal(disputedRules([{ item: item('某公司：发布新品'), sectionId: 'hot' }], rules).size, 0);
  });

  test('one corrected issue fixes a systematic confusion on the next issue (rules of issue-17 time)', () => {
    assert.ok(issueN.length >= 10 && issueN1.length >= 10);
    const [round] = simulateLearning([issueN], issueN1, old);
    assert.ok(round!.corrections >= 5, `the old rules got ${round!.corrections} of issue N wrong`);
    assert.ok(
      round!.with.correct >= round!.without.correct + 4,
      `next issue: ${round!.without.correct} without, ${round!.with.correct} with learning of ${round!.with.total}`,
    );
    // The federation-index confusion is gone: every such item of the next issue lands in 热点关注.
    const indices = issueN1.filter((l) => /national federation/.test(l.record.why)).map((l) => l.record.title);
    assert.ok(indices.length >= 2);
    assert.ok(
      round!.with.errors.every((e) => !indices.includes(e.title)),
      JSON.stringify(round!.with.errors, null, 1),
    );
    assert.ok(
      round!.without.errors.some((e) => indices.includes(e.title)),
      'they were wrong without learning',
    );
  });

  test('what one issue of these corrections teaches does not cost elsewhere', () => {
    const rest = train.filter((l) => !issueN.includes(l));
    const [round] = simulateLearning([issueN], rest, old);
    assert.ok(round!.with.correct >= round!.without.correct, `${round!.without.correct} → ${round!.with.correct} of ${rest.length}`);
  });

  test("with today's rules, learning from corrected issues never lowers the next issue", () => {
    const issues = [0, 1, 2, 3].map((f) => train.filter((l) => foldOf(l.record.id, 5) === f));
    const next = train.filter((l) => foldOf(l.record.id, 5) === 4);
    for (const r of simulateLearning(issues, next, { sections, lists, minConfidence, history: seedHistory() })) {
      assert.ok(r.with.correct >= r.without.correct, `${r.without.correct} → ${r.with.correct}`);
    }
  });
});
