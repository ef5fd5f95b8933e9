/**
 * Learning from editors, simulated (pure): build issue N, let an editor
 * correct every misplaced item (the labels say where it belongs), then build
 * issue N+1 of new items with and without what issue N taught. Used by
 * bench/sections.bench.ts and tests/section/learning.test.ts.
 *
 * What issue N teaches is what the real pipeline learns from
 * (src/cli/sectioning.ts): its final placements as reviewed examples, the
 * corrections at the editor's weight, and the decisive rules the corrections
 * dispute for an issuer (hints the classifier may overrule for that issuer).
 */
import type { SectionConfig } from '../types.ts';
import { placeItem } from './build.ts';
import { trainClassifier, type TrainingExample } from './classifier.ts';
import type { NamedLists } from '../config/index.ts';
import { score, type Evaluation } from './evaluate.ts';
import type { LabelledItem } from '../types.ts';
import { learnedFallback, trainingExamples, type Correction, type PastPlacement } from './learned.ts';
import { compileRules, disputedRules } from './rules.ts';

/** What one simulated round found. */
export interface LearningRound {
  /** Accuracy on issue N as the machine built it. */
  issueN: Evaluation;
  /** Corrections the editor made to issue N. */
  corrections: number;
  /** Decisive rules the corrections dispute. */
  disputed: string[];
  /** Issue N+1 without learning from issue N. */
  without: Evaluation;
  /** Issue N+1 after learning from issue N. */
  with: Evaluation;
}

/** Shared settings of a simulation. */
export interface SimulationSettings {
  sections: SectionConfig[];
  lists: NamedLists;
  minConfidence: number;
  /** What the classifier knew before issue N (e.g. the seed issue). */
  history: TrainingExample[];
}

function buildAndScore(
  items: LabelledItem[],
  s: SimulationSettings,
  examples: TrainingExample[],
  disputed: ReadonlySet<string>,
): Evaluation {
  const rules = compileRules(s.sections, s.lists);
  const fallback = examples.length ? learnedFallback(trainClassifier(examples, s.lists), s.sections, s.minConfidence) : undefined;
  return score(items, s.sections, (l) => placeItem(l.item, s.sections, rules, undefined, fallback, { disputed }));
}

/**
 * Issues 1…k in turn: each is built with what the earlier ones taught, then
 * corrected; `next` is built after every round with and without learning.
 * Returns one round per issue.
 */
export function simulateLearning(issues: LabelledItem[][], next: LabelledItem[], s: SimulationSettings): LearningRound[] {
  const rounds: LearningRound[] = [];
  const past: PastPlacement[] = [];
  const corrections: Correction[] = [];
  const rules = compileRules(s.sections, s.lists);
  const without = buildAndScore(next, s, s.history, new Set());
  for (const issue of issues) {
    const examples = trainingExamples(past, corrections, s.sections, s.history);
    const disputed = disputedRules(corrections, rules);
    const fallback = examples.length ? learnedFallback(trainClassifier(examples, s.lists), s.sections, s.minConfidence) : undefined;
    let fixed = 0;
    const issueN = score(issue, s.sections, (l) => {
      const p = placeItem(l.item, s.sections, rules, undefined, fallback, { disputed });
      // Approved after the editor's look: the placement is reviewed, a wrong one is corrected.
      past.unshift({ itemId: l.item.id, item: l.item, sectionId: p.sectionId ?? l.sectionId, reason: p.reason, reviewed: true });
      if (p.sectionId !== l.sectionId) {
        corrections.push({ itemId: l.item.id, item: l.item, sectionId: l.sectionId });
        fixed++;
      }
      return p;
    });
    const learnedDisputes = disputedRules(corrections, rules);
    rounds.push({
      issueN,
      corrections: fixed,
      disputed: [...learnedDisputes].sort(),
      without,
      with: buildAndScore(next, s, trainingExamples(past, corrections, s.sections, s.history), learnedDisputes),
    });
  }
  return rounds;
}
