/**
 * The cycle's entry module (layer 5): ingest → build → publish → send as one
 * function that `digest run`, the scheduler and the preview all call, the
 * single steps the narrower commands use, and the one `Context` type.
 */
export { type ApprovalResult, approveIssue } from './approve.ts';
export { type BuildSummary, buildStep, composeIssue, issueDate, seedSubscribers } from './build.ts';
export { type Context, fromDomain, listSettings, requireStrongSecret, requireStrongSecretForSmtp } from './context.ts';
export { applyRevision } from './editorial.ts';
export { ingestSources, ingestStep } from './ingest.ts';
export { publishStep } from './publish.ts';
export { renderedParts, renderStored } from './render.ts';
export { type CycleOptions, type CycleResult, type CycleStatus, isInterrupted, runCycle, sendCycle } from './run.ts';
export { corpusExamples } from './sectioning.ts';
export { type SendSummary, sendStep } from './send.ts';
export { openQueueSender, type QueueSender, usesJobQueue, workJob, workQueue } from './send-queue.ts';
export { sendTest } from './send-test.ts';
