/**
 * The section stage's entry module (pure): selecting an issue's items,
 * placing them by rules, editors' overrides and the learned classifier.
 */
export { buildIssue, findSection, type BuildInput, type Fallback, type LearnedPlacement } from './build.ts';
export { DEFAULT_CLASSIFIER_OPTIONS, type TrainingExample } from './classifier.ts';
export { buildFallback, trainingExamples } from './learned.ts';
export { compileRules, disputedRules, placeByRules } from './rules.ts';
export { isEditorReason, isGuessReason, reasonTexts, type ReasonTexts } from './reasons.ts';
export { itemTime, selectItems } from './select.ts';
export { assignSplit, type CorpusItem, foldOf, type LabelledRecord, parseLabelledJsonl, recordId } from './corpus.ts';
