/**
 * Sectioning: accuracy and cost.
 *
 * (1) Accuracy on the labelled set of the seed issue (its 目录 gives each
 * item's true section), with the sample config's eight sections: rules only,
 * classifier only and both together (as builds run them). The classifier
 * learns only from a disjoint split: split A (even TOC rank per section
 * trains, odd rank is held out) is the primary figure — the classifier's
 * hyper-parameters were chosen by leave-one-out inside A's training half
 * only. Split B (the swap) and leave-one-out over all items are reported too.
 * An ablation drops the topic keyword rules (sectors, cross-sector themes,
 * countries) to show what the classifier does when rules are thin.
 * Caveat: the shipped word lists are general editorial knowledge, but they
 * were written by someone who had read this issue, so the rules-only figure
 * is not a blind test; the classifier-only figure is.
 *
 * (2) Cost, against a rules-only build of one issue measured in the same run:
 * a build with the classifier, training on a year of history, and reading
 * that history from SQLite. Writes out/bench/sections.json.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.ts';
import { buildIssue } from '../src/section/build.ts';
import { trainClassifier } from '../src/section/classifier.ts';
import { evaluate, leaveOneOut, type Evaluation, type Mode } from '../src/section/evaluate.ts';
import { labelledSet, splitLabelled, type LabelledItem } from '../src/ingest/labelled.ts';
import { learnedFallback } from '../src/section/learned.ts';
import { openStore } from '../src/store/index.ts';
import { TrainingStore } from '../src/store/training.ts';
import type { Issue, SectionConfig } from '../src/types.ts';
import { parse as parseYaml } from 'yaml';
import { medianMs } from './timing.ts';

const SEED = existsSync('../shared/seeds/001_63ddb052a804766a.txt')
  ? '../shared/seeds/001_63ddb052a804766a.txt'
  : 'tests/section/fixtures/seed-001.txt';
const config = parseConfig(parseYaml(readFileSync('config/digest.yaml', 'utf8')), 'config/digest.yaml', {
  ...process.env,
  DIGEST_UNSUBSCRIBE_SECRET: 'x',
});
const { sections } = config;
const { lists } = config.sectioning;
const minConfidence = config.sectioning.classifier.minConfidence;
const set = labelledSet(readFileSync(SEED, 'utf8'), SEED, sections, '2024-07-15T00:00:00.000Z', 'Asia/Shanghai');
if (set.missingInBody.length || set.missingInToc.length) throw new Error(`labelled set incomplete: ${JSON.stringify(set)}`);

const MODES: Mode[] = ['rules', 'classifier', 'combined'];
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const line = (name: string, e: Evaluation) =>
  `  ${name.padEnd(11)} ${pct(e.accuracy).padStart(6)} (${e.correct}/${e.total})  ` +
  e.perSection.map((s) => `${s.title} ${s.correct}/${s.total}`).join(' · ');

function runAll(label: string, secs: SectionConfig[], train: LabelledItem[] | null, test: LabelledItem[]) {
  const out: Record<string, Evaluation> = {};
  console.log(label);
  for (const mode of MODES) {
    out[mode] = train ? evaluate(mode, train, test, secs, lists, minConfidence) : leaveOneOut(mode, test, secs, lists, minConfidence);
    console.log(line(mode, out[mode]));
  }
  return out;
}

function confusionTable(e: Evaluation, secs: SectionConfig[]): string[] {
  const ids = secs.map((s) => s.id).filter((id) => e.perSection.some((p) => p.id === id));
  const cols = [...ids, '(none)'];
  const head = `  ${'true \\ placed'.padEnd(14)}${cols.map((c) => c.padStart(9)).join('')}`;
  return [head, ...ids.map((t) => `  ${t.padEnd(14)}${cols.map((c) => String(e.confusion[t]?.[c] ?? 0).padStart(9)).join('')}`)];
}

console.log(`labelled set: ${set.items.length} items from ${SEED}`);
const a = splitLabelled(set.items, false);
const b = splitLabelled(set.items, true);
const splitA = runAll(`split A (train ${a.train.length}, held out ${a.test.length}) — primary:`, sections, a.train, a.test);
const splitB = runAll(`split B (train ${b.train.length}, held out ${b.test.length}):`, sections, b.train, b.test);
const loo = runAll(`leave-one-out (${set.items.length} items, each held out once):`, sections, null, set.items);
const TOPIC_RULES = new Set(['hot.cross-sector-topics', 'industry.sector-topics', 'industry.sector-news', 'intl.abroad']);
const thin = sections.map((s) => ({ ...s, rules: s.rules.filter((r) => !TOPIC_RULES.has(r.id)) }));
const ablation = runAll(
  'ablation, leave-one-out without topic keyword rules (issuer, outlet and format rules only):',
  thin,
  null,
  set.items,
);
console.log('confusion matrix, split A held-out, combined:');
for (const l of confusionTable(splitA.combined!, sections)) console.log(l);
console.log('confusion matrix, leave-one-out, combined:');
for (const l of confusionTable(loo.combined!, sections)) console.log(l);
for (const [name, e] of [
  ['split A combined', splitA.combined!],
  ['leave-one-out combined', loo.combined!],
] as const) {
  for (const err of e.errors) console.log(`  miss (${name}): ${err.title} — true ${err.truth}, placed ${err.predicted}: ${err.reason}`);
}

// (2) Cost.
const items = set.items.map((l) => l.item);
const input = {
  date: '2024-07-15',
  title: '信息摘编',
  numbering: { year: 2024, number: 7, totalNumber: 37 },
  cutoff: '2024-07-15T07:00:00.000+08:00',
  windowStart: '2024-07-12T07:00:00.000+08:00',
  items,
  sections,
  overrides: new Map(),
  lists,
  issuerWeights: config.sectioning.issuerWeights,
};
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
const store = openStore(join(dir, 'digest.db'));
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

const strip = (e: Evaluation) => ({ ...e, errors: e.errors });
const report = {
  labelledSet: { file: SEED, items: set.items.length },
  splitA: Object.fromEntries(Object.entries(splitA).map(([k, v]) => [k, strip(v)])),
  splitB: Object.fromEntries(Object.entries(splitB).map(([k, v]) => [k, strip(v)])),
  leaveOneOut: Object.fromEntries(Object.entries(loo).map(([k, v]) => [k, strip(v)])),
  ablationLeaveOneOut: Object.fromEntries(Object.entries(ablation).map(([k, v]) => [k, strip(v)])),
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
