/**
 * Wiring of the section stage: the shared lists, ordering and the learned
 * classifier, trained at build time from past issues, editors' overrides and
 * any configured corpus of old issues. Only this edge reads the store and files
 * for it; the stage itself stays pure. A long-running process (schedule,
 * preview) reuses the trained model until what it learned from changes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DigestError, errorMessage } from '../errors.ts';
import { labelledSet } from '../ingest/index.ts';
import {
  buildFallback,
  compileRules,
  disputedRules,
  trainingExamples,
  type BuildInput,
  type Fallback,
  reasonTexts,
  type TrainingExample,
} from '../section/index.ts';
import type { Context } from './context.ts';

/** Read the configured corpus files as labelled examples; a broken file names itself. */
export function corpusExamples(ctx: Context): TrainingExample[] {
  const { config } = ctx;
  return config.sectioning.classifier.corpus.flatMap((file) => {
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (err) {
      throw new DigestError(
        `sectioning.classifier.corpus: cannot read ${file}: ${errorMessage(err)}`,
        'fix the path (relative to the working directory) or remove it from the list',
      );
    }
    try {
      // The items' times do not matter for learning; a fixed instant keeps the examples deterministic.
      const set = labelledSet(content, file, config.sections, '1970-01-01T00:00:00.000Z', config.publication.timezone);
      return set.items.map((l) => ({ item: l.item, sectionId: l.sectionId }));
    } catch (err) {
      throw new DigestError(
        `sectioning.classifier.corpus: ${errorMessage(err)}`,
        'a corpus file is an old issue in the seed layout: a 目录 table of contents whose headings are section titles, then the items',
      );
    }
  });
}

/** The section-stage inputs for the issue of `date`, besides items and overrides. */
export function sectioningInput(
  ctx: Context,
  date: string,
): Pick<BuildInput, 'lists' | 'order' | 'issuerWeights' | 'fallback' | 'disputedRules' | 'language'> {
  const { config } = ctx;
  const s = config.sectioning;
  // Reasons follow the publication's language, the classifier's too.
  const language = config.publication.language;
  const base = { lists: s.lists, order: s.order, issuerWeights: s.issuerWeights, language };
  if (!s.classifier.enabled) return base;
  const training = ctx.store.training;
  const corrections = training.corrections();
  const examples = trainingExamples(
    training.pastPlacements(date, s.classifier.historyIssues),
    corrections,
    config.sections,
    corpusExamples(ctx),
  );
  const texts = reasonTexts(language);
  const fallback = memoFallback(
    examples,
    () => buildFallback(examples, config.sections, s.lists, s.classifier.minConfidence, undefined, texts),
    [config.sections, s.lists, s.classifier.minConfidence, texts.lang],
  );
  // Only a classifier that learned the corrections may overrule the rules they dispute.
  return { ...base, fallback, ...(fallback ? { disputedRules: disputedRules(corrections, compileRules(config.sections, s.lists)) } : {}) };
}

let memo: { key: string; fallback: Fallback | undefined } | null = null;

/** The last trained fallback when the examples and settings are the same; training a year of history takes about a second. */
function memoFallback(examples: TrainingExample[], train: () => Fallback | undefined, settings: unknown): Fallback | undefined {
  const hash = createHash('sha256').update(JSON.stringify(settings));
  for (const e of examples)
    hash.update(
      `\u0000${e.sectionId}\u0001${e.weight ?? 1}\u0001${e.item.issuer ?? ''}\u0001${e.item.title}\u0001${e.item.outlet ?? ''}\u0001${e.item.text}`,
    );
  const key = hash.digest('hex');
  if (memo?.key !== key) memo = { key, fallback: train() };
  return memo.fallback;
}
