/**
 * The scheduler's entry module: the long-running `digest schedule` (runner.ts
 * deciding with decide.ts), the run log and cycle lock around any cycle
 * (track.ts), `digest status` (status.ts) and graceful shutdown (signals.ts).
 */
export { decide, describeDecision, type Decision, type DecideSettings, type Trigger } from './decide.ts';
export { type ActionContext, type CycleActions, Scheduler, type SchedulerSettings, schedulerSettings } from './runner.ts';
export { onShutdownSignals } from './signals.ts';
export { collectStatus, type StatusReport } from './status.ts';
export { type RunOutcome, trackRun, withCycleLock } from './track.ts';
