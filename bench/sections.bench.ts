/**
 * Sectioning: accuracy and cost.
 *
 * (1) Accuracy on the labelled set (tests/fixtures/sections/labelled.jsonl,
 * README "Sections"), with the sample config's eight sections:
 *  - the FROZEN split (a hash-fixed quarter of each section, never tuned on):
 *    rules only, classifier only and both together (as builds run them), the
 *    confusion matrix, per-section precision and recall, and the review flag's
 *    recall (wrong placements it catches) and noise (right ones it flags). The
 *    classifier learns from the seed issue and the whole training split;
 *  - 5-fold cross-validation on the training split (the classifier learns from
 *    the seed issue and the other four folds);
 *  - the seed issue itself (split A, as before issue 17);
 *  - learning curves: frozen accuracy against how much the classifier learned
 *    from, and editors' corrections simulated (src/section/simulate.ts) with
 *    the rules shipped when issue 17 was filed (they made the systematic
 *    confusions; today's rules leave little to correct) and with today's.
 *
 * (2) Cost, against a rules-only build of one issue measured in the same run:
 * a build with the classifier, training on a year of history, and reading
 * that history from SQLite. Writes out/bench/sections.json.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../src/config/load.ts';
import { buildIssue } from '../src/section/build.ts';
import { trainClassifier, type TrainingExample } from '../src/section/classifier.ts';
import { foldOf, parseLabelledJsonl, type CorpusItem } from '../src/section/corpus.ts';
import { corpusItems } from '../src/ingest/labelled.ts';
import { evaluate, kFold, type Evaluation, type Mode } from '../src/section/evaluate.ts';
import { labelledSet, splitLabelled, type LabelledItem } from '../src/ingest/labelled.ts';
import { learnedFallback } from '../src/section/learned.ts';
import { simulateLearning, type LearningRound } from '../src/section/simulate.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { TrainingStore } from '../src/store/training.ts';
import type { Issue, SectionConfig } from '../src/types.ts';
import type { NamedLists } from '../src/config/index.ts';
import { medianMs } from './timing.ts';
import { input as buildInput } from '../tests/section/helpers.ts';

const SEED = 'tests/section/fixtures/seed-001.txt';
const LABELLED = 'tests/fixtures/sections/labelled.jsonl';
const BEFORE = 'tests/fixtures/sections/rules-before-issue-17.yaml';
const config = parseConfig(parseYaml(readFileSync('config/digest.yaml', 'utf8')), 'config/digest.yaml', {
  ...process.env,
  DIGEST_UNSUBSCRIBE_SECRET: 'x',
});
const { sections } = config;
const { lists } = config.sectioning;
const minConfidence = config.sectioning.classifier.minConfidence;
const set = labelledSet(readFileSync(SEED, 'utf8'), SEED, sections, '2024-07-15T00:00:00.000Z', 'Asia/Shanghai');
if (set.missingInBody.length || set.missingInToc.length) throw new Error(`labelled set incomplete: ${JSON.stringify(set)}`);
const corpus = corpusItems(parseLabelledJsonl(readFileSync(LABELLED, 'utf8')));
const train = corpus.filter((l) => l.record.split === 'train');
const frozen = corpus.filter((l) => l.record.split === 'frozen');
const seedItems: LabelledItem[] = set.items;
const K = 5;

const MODES: Mode[] = ['rules', 'classifier', 'combined'];
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const line = (name: string, e: Evaluation) =>
  `  ${name.padEnd(11)} ${pct(e.accuracy).padStart(6)} (${e.correct}/${e.total})  ` +
  e.perSection.map((s) => `${s.title} ${s.correct}/${s.total}`).join(' · ');
const reviewLine = (e: Evaluation) =>
  `  review flag: catches ${e.review.caught}/${e.review.wrong} wrong placements (recall ${e.review.wrong ? pct(e.review.recall) : 'n/a'}), flags ${e.review.flaggedRight}/${e.review.right} right ones (noise ${pct(e.review.noise)})`;

function confusionTable(e: Evaluation, secs: SectionConfig[]): string[] {
  const ids = secs.map((s) => s.id).filter((id) => e.perSection.some((p) => p.id === id));
  const cols = [...ids, '(none)'];
  const head = `  ${'true \\ placed'.padEnd(14)}${cols.map((c) => c.padStart(9)).join('')}`;
  return [head, ...ids.map((t) => `  ${t.padEnd(14)}${cols.map((c) => String(e.confusion[t]?.[c] ?? 0).padStart(9)).join('')}`)];
}

/** Precision and recall per section from the confusion matrix. */
function precisionRecall(e: Evaluation): { id: string; precision: number; recall: number }[] {
  return e.perSection.map((s) => {
    const placedHere = Object.values(e.confusion).reduce((n, row) => n + (row[s.id] ?? 0), 0);
    return { id: s.id, precision: placedHere ? (e.confusion[s.id]?.[s.id] ?? 0) / placedHere : 1, recall: s.accuracy };
  });
}

// (1a) The frozen split: measured, never tuned on.
console.log(
  `labelled set: ${corpus.length} items in ${LABELLED} (${train.length} training, ${frozen.length} frozen) + the seed issue's ${seedItems.length} (${SEED})`,
);
const known = [...seedItems, ...train];
console.log(`FROZEN split (${frozen.length} items; the classifier learned from the seed issue and the training split):`);
const frozenEval: Record<string, Evaluation> = {};
for (const mode of MODES) {
  frozenEval[mode] = evaluate(mode, known, frozen, sections, lists, minConfidence);
  console.log(line(mode, frozenEval[mode]));
}
const fz = frozenEval.combined!;
console.log(reviewLine(fz));
console.log('confusion matrix, frozen split, combined:');
for (const l of confusionTable(fz, sections)) console.log(l);
console.log('per section, frozen split, combined:');
for (const p of precisionRecall(fz))
  console.log(`  ${p.id.padEnd(10)} precision ${pct(p.precision).padStart(6)}  recall ${pct(p.recall).padStart(6)}`);
for (const err of fz.errors)
  console.log(`  miss (frozen): ${err.title} — true ${err.truth}, placed ${err.predicted}${err.review ? ' [review]' : ''}: ${err.reason}`);

// (1b) k-fold cross-validation on the training split.
console.log(`${K}-fold cross-validation on the training split (${train.length} items; folds by a hash of the id):`);
const folds: Record<string, { folds: Evaluation[]; pooled: Evaluation }> = {};
for (const mode of MODES) {
  folds[mode] = kFold(mode, train, K, sections, lists, minConfidence, seedItems);
  console.log(`${line(mode, folds[mode].pooled)}  (folds: ${folds[mode].folds.map((f) => pct(f.accuracy)).join(', ')})`);
}
console.log(reviewLine(folds.combined!.pooled));

// (1c) The seed issue, as before issue 17 (classifier from split A's training half and the training split).
const a = splitLabelled(seedItems, false);
const seedEval = evaluate('combined', [...a.train, ...train], a.test, sections, lists, minConfidence);
console.log(line('seed issue, split A held out, combined:', seedEval));

// (1d) Learning curves.
console.log(
  'learning curve: frozen accuracy by how much the classifier learned from (seed issue + a hash-chosen share of the training split):',
);
const curve: { share: number; examples: number; classifier: number; combined: number }[] = [];
for (const share of [0, 0.25, 0.5, 0.75, 1]) {
  const some = [...seedItems, ...train.filter((l) => foldOf(l.record.id, 4) < share * 4)];
  const c = evaluate('classifier', some, frozen, sections, lists, minConfidence);
  const b = evaluate('combined', some, frozen, sections, lists, minConfidence);
  curve.push({ share, examples: some.length, classifier: c.accuracy, combined: b.accuracy });
  console.log(
    `  ${String(Math.round(share * 100)).padStart(3)}% (${String(some.length).padStart(3)} examples): classifier ${pct(c.accuracy).padStart(6)}, combined ${pct(b.accuracy).padStart(6)}`,
  );
}

const before = parseYaml(readFileSync(BEFORE, 'utf8')) as { sections: SectionConfig[]; lists: NamedLists };
const seedHistory = (secs: SectionConfig[]): TrainingExample[] =>
  labelledSet(readFileSync(SEED, 'utf8'), SEED, secs, '2024-07-15T00:00:00.000Z', 'Asia/Shanghai').items.map((l) => ({
    item: l.item,
    sectionId: l.sectionId,
  }));
const roundLine = (r: LearningRound, i: number) =>
  `  after ${i + 1} corrected issue(s): issue ${i + 1} placed ${r.issueN.correct}/${r.issueN.total}, ${r.corrections} corrections; next issue ${r.without.correct}/${r.without.total} (${pct(r.without.accuracy)}) without learning → ${r.with.correct}/${r.with.total} (${pct(r.with.accuracy)}) with`;
const simulations: Record<string, LearningRound[]> = {};
for (const [name, secs, ls] of [
  ['rules before issue 17', before.sections, before.lists],
  ['rules now', sections, lists],
] as const) {
  // Issues 1…4 are training folds 0…3; the next issue is fold 4.
  const issues = [0, 1, 2, 3].map((f) => train.filter((l) => foldOf(l.record.id, K) === f));
  const next = train.filter((l) => foldOf(l.record.id, K) === 4);
  const rounds = simulateLearning(issues, next, { sections: secs, lists: ls, minConfidence, history: seedHistory(secs) });
  simulations[name] = rounds;
  console.log(
    `editors' corrections, ${name} (issues of ${issues.map((i) => i.length).join('/')} training items, next issue ${next.length}):`,
  );
  for (const [i, r] of rounds.entries()) console.log(roundLine(r, i));
}
// The systematic confusions of issue 17: one corrected issue of them, then new items of the same kinds.
const confusable = (l: CorpusItem) => /national federation|国新办|China's trade|expo/.test(l.record.why);
const kinds = train.filter(confusable);
const issueN = kinds.filter((l) => foldOf(l.record.id, 2) === 0);
const issueN1 = kinds.filter((l) => foldOf(l.record.id, 2) === 1);
const systematic = simulateLearning([issueN], issueN1, {
  sections: before.sections,
  lists: before.lists,
  minConfidence,
  history: seedHistory(before.sections),
})[0]!;
const others = simulateLearning(
  [issueN],
  train.filter((l) => !issueN.includes(l)),
  { sections: before.sections, lists: before.lists, minConfidence, history: seedHistory(before.sections) },
)[0]!;
console.log(
  `one corrected issue of issue 17's confusions (national bodies' indices and briefings, China-and-the-world), rules before issue 17:`,
);
console.log(
  `  issue N placed ${systematic.issueN.correct}/${systematic.issueN.total}; ${systematic.corrections} corrections dispute ${systematic.disputed.join(', ')}`,
);
console.log(
  `  next issue of the same kinds: ${systematic.without.correct}/${systematic.without.total} without learning → ${systematic.with.correct}/${systematic.with.total} with`,
);
console.log(
  `  every other training item: ${others.without.correct}/${others.without.total} without → ${others.with.correct}/${others.with.total} with`,
);

// (2) Cost.
const items = set.items.map((l) => l.item);
const input = buildInput(items, sections, { lists, issuerWeights: config.sectioning.issuerWeights });
const baseline = await medianMs(() => buildIssue(input), 20);
const model = trainClassifier(
  set.items.map((l) => ({ item: l.item, sectionId: l.sectionId })),
  lists,
);
const fallback = learnedFallback(model, sections, minConfidence);
const withClassifier = await medianMs(() => buildIssue({ ...input, fallback }), 20);

// A year of daily issues like the seed (63 items each; headlines varied so the vocabulary grows).
const DAYS = 365;
const history = Array.from({ length: DAYS }, (_, d) =>
  set.items.map((l) => ({ item: { ...l.item, title: `${l.item.title} ${d}` }, sectionId: l.sectionId })),
);
const examples = history.flat();
(globalThis as { gc?: () => void }).gc?.();
const heapBefore = process.memoryUsage().heapUsed;
let yearModel = trainClassifier(examples, lists);
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
const trainYear = await medianMs(() => (yearModel = trainClassifier(examples, lists)), 3);

// Reading that history back from a real SQLite store (issue_json as the build saves it).
const dir = join(tmpdir(), `digest-bench-sections-${process.pid}`);
const store = openSqliteStore(join(dir, 'digest.db'));
const one = buildIssue({ ...input, fallback });
const insert = store.db.transaction(() => {
  for (let d = 0; d < DAYS; d++) {
    const date = new Date(Date.UTC(2023, 0, 1 + d)).toISOString().slice(0, 10);
    const issue: Issue = { ...one, date, numbering: { year: 2023, number: d + 1, totalNumber: d + 1 } };
    issue.sections = one.sections.map((s) => ({ ...s, items: s.items.map((i) => ({ ...i, id: `${date}-${i.id}` })) }));
    store.issues.save(issue, `${date}T08:00:00.000Z`);
  }
});
insert();
const training = new TrainingStore(store.db);
let rows = 0;
const readYear = await medianMs(() => (rows = training.pastPlacements('2099-01-01', DAYS).length), 3);
store.close();
rmSync(dir, { recursive: true, force: true });

console.log(`cost (baseline: a rules-only build of the seed issue, ${items.length} items = ${baseline.toFixed(2)} ms):`);
console.log(
  `  build with the classifier:            ${withClassifier.toFixed(2)} ms = ${(withClassifier / baseline).toFixed(1)}× baseline`,
);
console.log(
  `  train on a year (${examples.length} examples): ${trainYear.toFixed(0)} ms = ${(trainYear / baseline).toFixed(0)}× baseline (${((trainYear / examples.length) * 1000).toFixed(0)} µs/example, vocabulary ${yearModel.vocabulary.size}, heap +${heapMb.toFixed(0)} MB)`,
);
console.log(
  `  read a year of placements from SQLite (${rows} rows): ${readYear.toFixed(0)} ms = ${(readYear / baseline).toFixed(0)}× baseline`,
);

const report = {
  labelledSet: { file: LABELLED, items: corpus.length, train: train.length, frozen: frozen.length, seedIssue: seedItems.length },
  frozen: { ...frozenEval, precisionRecall: precisionRecall(fz) },
  kFold: Object.fromEntries(Object.entries(folds).map(([k, v]) => [k, { pooled: v.pooled, folds: v.folds.map((f) => f.accuracy) }])),
  seedIssueSplitA: seedEval,
  learningCurve: curve,
  editorSimulation: Object.fromEntries(
    Object.entries(simulations).map(([k, rounds]) => [
      k,
      rounds.map((r) => ({
        issueN: r.issueN.accuracy,
        corrections: r.corrections,
        disputed: r.disputed,
        without: r.without.accuracy,
        with: r.with.accuracy,
      })),
    ]),
  ),
  systematicConfusion: {
    issueN: systematic.issueN.accuracy,
    corrections: systematic.corrections,
    disputed: systematic.disputed,
    without: systematic.without.accuracy,
    with: systematic.with.accuracy,
    othersWithout: others.without.accuracy,
    othersWith: others.with.accuracy,
  },
  cost: {
    baselineRulesBuildMs: baseline,
    classifierBuildMs: withClassifier,
    classifierBuildRatio: withClassifier / baseline,
    trainYear: { examples: examples.length, ms: trainYear, ratio: trainYear / baseline, vocabulary: yearModel.vocabulary.size, heapMb },
    readYearFromSqlite: { rows, ms: readYear, ratio: readYear / baseline },
  },
};
mkdirSync('out/bench', { recursive: true });
writeFileSync('out/bench/sections.json', `${JSON.stringify(report, null, 2)}\n`);
