/**
 * The learned classifier in the pipeline (pure): which past placements it
 * learns from, how much each counts, and how its predictions reach the build
 * as a `Fallback` with an explainable reason.
 */
import type { Correction, PastPlacement, SectionConfig } from '../types.ts';

export type { Correction, PastPlacement };
import type { Fallback } from './build.ts';
import { explain, predict, trainClassifier, type ClassifierOptions, type NaiveBayesModel, type TrainingExample } from './classifier.ts';
import type { NamedLists } from '../config/index.ts';
import { isEditorReason, isGuessReason, reasonTexts, type ReasonTexts } from './reasons.ts';

/** An editor's decision counts this many times a rule's placement. */
export const EDITOR_WEIGHT = 3;

/** A model that has seen fewer examples may give its best guess but never overrules a rule. */
export const MIN_EXAMPLES_TO_OVERRULE = 20;

/**
 * Labelled examples from past placements and corrections, for the sections
 * configured now. A correction replaces what the issue said about the item;
 * editors' placements weigh more; unreviewed guesses are left out.
 */
export function trainingExamples(
  past: PastPlacement[],
  corrections: Correction[],
  sections: SectionConfig[],
  corpus: TrainingExample[] = [],
): TrainingExample[] {
  const known = new Set(sections.map((s) => s.id));
  const byItem = new Map<string, TrainingExample>();
  for (const p of past) {
    if (!known.has(p.sectionId) || byItem.has(p.itemId)) continue;
    // Unreviewed guesses would teach the classifier its own mistakes (reasons of any language: past issues keep theirs).
    if (!p.reviewed && isGuessReason(p.reason)) continue;
    byItem.set(p.itemId, { item: p.item, sectionId: p.sectionId, weight: isEditorReason(p.reason) ? EDITOR_WEIGHT : 1 });
  }
  for (const c of corrections) {
    if (known.has(c.sectionId)) byItem.set(c.itemId, { item: c.item, sectionId: c.sectionId, weight: EDITOR_WEIGHT });
  }
  return [...corpus.filter((e) => known.has(e.sectionId)), ...byItem.values()];
}

/** Wrap a model as the build's fallback; `minConfidence` decides when it may overrule a non-decisive rule. */
export function learnedFallback(
  model: NaiveBayesModel,
  sections: SectionConfig[],
  minConfidence: number,
  texts: ReasonTexts = reasonTexts(),
): Fallback {
  const allowed = new Set(sections.map((s) => s.id));
  const titles = new Map(sections.map((s) => [s.id, s.title]));
  return (item) => {
    const p = predict(model, item, allowed, texts);
    if (!p) return null;
    const confident = p.confidence >= minConfidence && model.examples >= MIN_EXAMPLES_TO_OVERRULE;
    const second = p.ranking[1];
    return {
      sectionId: p.sectionId,
      confidence: p.confidence,
      confident,
      reason: explain(p, (id) => titles.get(id) ?? id, texts),
      ...(second ? { runnerUp: { sectionId: second.sectionId, confidence: second.probability } } : {}),
    };
  };
}

/** Train on the examples and wrap the model; undefined when there is nothing to learn from. */
export function buildFallback(
  examples: TrainingExample[],
  sections: SectionConfig[],
  lists: NamedLists,
  minConfidence: number,
  options?: Partial<ClassifierOptions>,
  texts?: ReasonTexts,
): Fallback | undefined {
  if (!examples.length) return undefined;
  return learnedFallback(trainClassifier(examples, lists, options), sections, minConfidence, texts);
}
