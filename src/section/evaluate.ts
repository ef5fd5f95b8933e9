/**
 * Accuracy of sectioning on a labelled set (pure): rules only, classifier
 * only, and both together as the build runs them. Shared by the accuracy test
 * and bench/sections.bench.ts so both report the same numbers.
 */
import type { Placement, SectionConfig } from '../types.ts';
import { placeItem } from './build.ts';
import { predict, trainClassifier, type ClassifierOptions } from './classifier.ts';
import type { NamedLists } from '../config/index.ts';
import { foldOf } from './corpus.ts';
import type { LabelledItem } from '../types.ts';
import { learnedFallback } from './learned.ts';
import { compileRules } from './rules.ts';

/** Accuracy of one way of placing items. */
export interface Evaluation {
  total: number;
  correct: number;
  accuracy: number;
  perSection: { id: string; title: string; total: number; correct: number; accuracy: number }[];
  /** confusion[true section][predicted section or "(none)"] = count. */
  confusion: Record<string, Record<string, number>>;
  errors: { title: string; truth: string; predicted: string; reason: string; review: boolean }[];
  /**
   * The review flag: how many wrong placements it catches (recall = caught /
   * wrong) and how many right ones it flags (noise = flaggedRight / right).
   */
  review: { wrong: number; caught: number; right: number; flaggedRight: number; recall: number; noise: number };
}

/** The three ways of placing compared by the benchmark. */
export type Mode = 'rules' | 'classifier' | 'combined';

/** Score a placement function on labelled items. */
export function score(items: LabelledItem[], sections: SectionConfig[], place: (l: LabelledItem) => Placement): Evaluation {
  const confusion: Record<string, Record<string, number>> = {};
  const errors: Evaluation['errors'] = [];
  const review = { wrong: 0, caught: 0, right: 0, flaggedRight: 0, recall: 0, noise: 0 };
  const per = new Map(sections.map((s) => [s.id, { id: s.id, title: s.title, total: 0, correct: 0, accuracy: 0 }]));
  for (const l of items) {
    const p = place(l);
    const predicted = p.sectionId ?? '(none)';
    confusion[l.sectionId] ??= {};
    const row = confusion[l.sectionId]!;
    row[predicted] = (row[predicted] ?? 0) + 1;
    const s = per.get(l.sectionId)!;
    s.total++;
    if (predicted === l.sectionId) {
      s.correct++;
      review.right++;
      if (p.review) review.flaggedRight++;
    } else {
      review.wrong++;
      if (p.review) review.caught++;
      errors.push({
        title: l.item.issuer ? `${l.item.issuer}：${l.item.title}` : l.item.title,
        truth: l.sectionId,
        predicted,
        reason: p.reason,
        review: !!p.review,
      });
    }
  }
  review.recall = review.wrong ? review.caught / review.wrong : 1;
  review.noise = review.right ? review.flaggedRight / review.right : 0;
  const perSection = [...per.values()].filter((s) => s.total > 0).map((s) => ({ ...s, accuracy: s.correct / s.total }));
  const correct = perSection.reduce((n, s) => n + s.correct, 0);
  return { total: items.length, correct, accuracy: items.length ? correct / items.length : 0, perSection, confusion, errors, review };
}

/** Evaluate one mode: the classifier (if used) learns from `train` only and is scored on `test`. */
export function evaluate(
  mode: Mode,
  train: LabelledItem[],
  test: LabelledItem[],
  sections: SectionConfig[],
  lists: NamedLists,
  minConfidence: number,
  options?: Partial<ClassifierOptions>,
): Evaluation {
  return evaluateWith(mode, train, test, sections, lists, minConfidence, options);
}

function evaluateWith(
  mode: Mode,
  train: LabelledItem[],
  test: LabelledItem[],
  sections: SectionConfig[],
  lists: NamedLists,
  minConfidence: number,
  options?: Partial<ClassifierOptions>,
  seen?: (l: LabelledItem, p: Placement) => void,
): Evaluation {
  const rules = compileRules(sections, lists);
  const tap = (place: (l: LabelledItem) => Placement) => (l: LabelledItem) => {
    const p = place(l);
    seen?.(l, p);
    return p;
  };
  if (mode === 'rules')
    return score(
      test,
      sections,
      tap((l) => placeItem(l.item, sections, rules, undefined)),
    );
  const model = trainClassifier(
    train.map((l) => ({ item: l.item, sectionId: l.sectionId })),
    lists,
    options,
  );
  if (mode === 'classifier') {
    const allowed = new Set(sections.map((s) => s.id));
    return score(
      test,
      sections,
      tap((l) => {
        const p = predict(model, l.item, allowed);
        return p ? { sectionId: p.sectionId, reason: `classifier ${p.confidence.toFixed(2)}` } : { sectionId: null, reason: 'no model' };
      }),
    );
  }
  const fallback = learnedFallback(model, sections, minConfidence);
  return score(
    test,
    sections,
    tap((l) => placeItem(l.item, sections, rules, undefined, fallback)),
  );
}

/** Leave-one-out: every item is held out once, the classifier learning from all the others. */
export function leaveOneOut(
  mode: Mode,
  items: LabelledItem[],
  sections: SectionConfig[],
  lists: NamedLists,
  minConfidence: number,
  options?: Partial<ClassifierOptions>,
): Evaluation {
  const rules = compileRules(sections, lists);
  const allowed = new Set(sections.map((s) => s.id));
  return score(items, sections, (l) => {
    if (mode === 'rules') return placeItem(l.item, sections, rules, undefined);
    const model = trainClassifier(
      items.filter((o) => o !== l).map((o) => ({ item: o.item, sectionId: o.sectionId })),
      lists,
      options,
    );
    if (mode === 'classifier') {
      const p = predict(model, l.item, allowed)!;
      return { sectionId: p.sectionId, reason: `classifier ${p.confidence.toFixed(2)}` };
    }
    return placeItem(l.item, sections, rules, undefined, learnedFallback(model, sections, minConfidence));
  });
}

/**
 * k-fold cross-validation: each fold is held out once while the classifier
 * learns from the other folds plus `extra` (e.g. the seed issue). Folds come
 * from `foldOf` (a hash of the id). Rules and lists are fixed: they must not
 * have been written from the held-out fold's items (see README "Sections").
 */
export function kFold(
  mode: Mode,
  items: (LabelledItem & { record: { id: string } })[],
  k: number,
  sections: SectionConfig[],
  lists: NamedLists,
  minConfidence: number,
  extra: LabelledItem[] = [],
  options?: Partial<ClassifierOptions>,
): { folds: Evaluation[]; pooled: Evaluation } {
  const folds: Evaluation[] = [];
  const placed = new Map<LabelledItem, Placement>();
  for (let f = 0; f < k; f++) {
    const test = items.filter((l) => foldOf(l.record.id, k) === f);
    const train = [...extra, ...items.filter((l) => foldOf(l.record.id, k) !== f)];
    const e = evaluateWith(mode, train, test, sections, lists, minConfidence, options, (l, p) => placed.set(l, p));
    folds.push(e);
  }
  return { folds, pooled: score(items, sections, (l) => placed.get(l)!) };
}
