/**
 * The learned section classifier (pure): multinomial naive Bayes over the
 * features of features.ts, trained from past issues and editors' corrections.
 * It is explainable by construction: a prediction names the features that
 * pushed it most towards the winning section and away from the runner-up.
 * Training and prediction are deterministic (no randomness, sorted ties).
 */
import { reasonTexts, type ReasonTexts } from './reasons.ts';
import {
  DEFAULT_FEATURE_OPTIONS,
  describeFeature,
  indexLists,
  itemFeatures,
  type ClassifiableItem,
  type FeatureOptions,
  type Features,
  type ListIndex,
} from './features.ts';
import type { NamedLists } from '../config/index.ts';

/** One labelled example. */
export interface TrainingExample {
  item: ClassifiableItem;
  sectionId: string;
  /** How much the example counts (an editor's correction counts more than a rule's placement). */
  weight?: number;
}

/** Tunables of the model. */
export interface ClassifierOptions extends FeatureOptions {
  /** Additive (Laplace/Lidstone) smoothing. */
  alpha: number;
  /**
   * Naive Bayes counts every feature as independent evidence, which makes its
   * probabilities far too sure; scores are divided by this before the softmax
   * so that "confidence" means something an editor can set a threshold on.
   */
  temperature: number;
}

/** Defaults, chosen by cross-validation on a training split (bench/sections.bench.ts). */
export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = { ...DEFAULT_FEATURE_OPTIONS, alpha: 0.2, temperature: 12 };

/** A trained model. */
export interface NaiveBayesModel {
  options: ClassifierOptions;
  /** Section ids, sorted. */
  classes: string[];
  /** Sum of example weights per class. */
  classWeight: Map<string, number>;
  /** Feature weight per class. */
  counts: Map<string, Map<string, number>>;
  /** Total feature weight per class. */
  totals: Map<string, number>;
  vocabulary: Set<string>;
  examples: number;
  index: ListIndex;
}

/** A prediction with its explanation. */
export interface Prediction {
  sectionId: string;
  /** Probability of the winning section (after the temperature). */
  confidence: number;
  /** Every known section with its probability, best first. */
  ranking: { sectionId: string; probability: number }[];
  /** Features that favour the winner over the runner-up most, strongest first. */
  evidence: { feature: string; label: string; weight: number }[];
}

/** Train a model. `lists` are the named word lists (list-membership features). */
export function trainClassifier(examples: TrainingExample[], lists: NamedLists, options: Partial<ClassifierOptions> = {}): NaiveBayesModel {
  const opts = { ...DEFAULT_CLASSIFIER_OPTIONS, ...options };
  const index = indexLists(lists);
  const model: NaiveBayesModel = {
    options: opts,
    classes: [],
    classWeight: new Map(),
    counts: new Map(),
    totals: new Map(),
    vocabulary: new Set(),
    examples: 0,
    index,
  };
  for (const ex of examples) {
    const w = ex.weight ?? 1;
    if (w <= 0) continue;
    model.examples++;
    model.classWeight.set(ex.sectionId, (model.classWeight.get(ex.sectionId) ?? 0) + w);
    let counts = model.counts.get(ex.sectionId);
    if (!counts) {
      counts = new Map();
      model.counts.set(ex.sectionId, counts);
    }
    let total = model.totals.get(ex.sectionId) ?? 0;
    for (const [feature, n] of itemFeatures(ex.item, index, opts)) {
      counts.set(feature, (counts.get(feature) ?? 0) + n * w);
      total += n * w;
      model.vocabulary.add(feature);
    }
    model.totals.set(ex.sectionId, total);
  }
  model.classes = [...model.classWeight.keys()].sort();
  return model;
}

function logLikelihood(model: NaiveBayesModel, sectionId: string, feature: string): number {
  const { alpha } = model.options;
  const count = model.counts.get(sectionId)?.get(feature) ?? 0;
  return Math.log((count + alpha) / ((model.totals.get(sectionId) ?? 0) + alpha * model.vocabulary.size));
}

/**
 * Predict the section of an item among `allowed` sections (default: all the
 * model knows). Null when the model knows fewer than two of them: with one
 * choice there is nothing to learn and its "confidence" would mean nothing.
 */
export function predict(
  model: NaiveBayesModel,
  item: ClassifiableItem,
  allowed?: ReadonlySet<string>,
  texts: ReasonTexts = reasonTexts(),
): Prediction | null {
  const classes = model.classes.filter((c) => !allowed || allowed.has(c));
  if (classes.length < 2) return null;
  const words = new Map<string, string>();
  const features: Features = new Map([...itemFeatures(item, model.index, model.options, words)].filter(([f]) => model.vocabulary.has(f)));
  const totalWeight = classes.reduce((n, c) => n + model.classWeight.get(c)!, 0);
  const scores = classes.map((c) => {
    let s = Math.log((model.classWeight.get(c)! + 1) / (totalWeight + classes.length));
    for (const [f, n] of features) s += n * logLikelihood(model, c, f);
    return { sectionId: c, score: s };
  });
  const t = model.options.temperature;
  const top = Math.max(...scores.map((s) => s.score));
  const exp = scores.map((s) => ({ sectionId: s.sectionId, e: Math.exp((s.score - top) / t) }));
  const sum = exp.reduce((n, s) => n + s.e, 0);
  const ranking = exp
    .map((s) => ({ sectionId: s.sectionId, probability: s.e / sum }))
    .sort((a, b) => b.probability - a.probability || a.sectionId.localeCompare(b.sectionId));
  const best = ranking[0]!;
  const runnerUp = ranking[1];
  const evidence = runnerUp
    ? [...features]
        .map(([feature, n]) => ({
          feature,
          label: describeFeature(feature, texts, words.get(feature)),
          weight: n * (logLikelihood(model, best.sectionId, feature) - logLikelihood(model, runnerUp.sectionId, feature)),
        }))
        .filter((e) => e.weight > 0)
        .sort((a, b) => b.weight - a.weight || a.feature.localeCompare(b.feature))
        .slice(0, 5)
    : [];
  return { sectionId: best.sectionId, confidence: best.probability, ranking, evidence };
}

/** The reason text of a prediction, e.g. `分类器 naive-bayes 0.93（国际视野；主要特征：出口、海外、中企）` (reasons.ts). */
export function explain(p: Prediction, titleOf: (sectionId: string) => string, texts: ReasonTexts = reasonTexts(), top = 3): string {
  const features = [...new Set(p.evidence.map((e) => e.label))].slice(0, top);
  return texts.classifier(p.confidence, titleOf(p.sectionId), features);
}
