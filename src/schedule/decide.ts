/**
 * What the scheduler should do next: a pure function of the clock, what the
 * store says (issues, unfinished deliveries, past runs) and the settings. The
 * runner (runner.ts) calls it on every cron tick and periodic check, carries
 * out the one action it returns, and asks again until the answer is to wait.
 *
 * The rules, in order:
 * 1. Earlier issues first: finish a send that stopped midway (crash, SIGTERM),
 *    then send issues an editor approved after their day.
 * 2. Today's issue, once it is due (the cron ticked, or its scheduled instant
 *    has passed): send it if built (and approved when approval is required),
 *    else build it — on a tick; after a missed tick while running (DST gap,
 *    suspended machine); at start-up when the process was down at the time
 *    (catch-up, if enabled); or to resume or retry an earlier attempt.
 * Issues for days missed before today are never produced here (that is
 * `digest run --date D`). Failed attempts back off and stop after a few retries.
 */
import type { IssueProgress, RunStatus } from '../store/index.ts';
import type { IsoDate } from '../types.ts';
import { issueDateAt, scheduledAt } from '../util/time.ts';

/** What woke the scheduler: its cron expression, or the periodic check (and start-up). */
export type Trigger = 'tick' | 'check';

/** An issue as the scheduler sees it (its status and unfinished deliveries). */
export type IssueView = IssueProgress;

/** A run as the scheduler sees it. */
export interface RunView {
  issueDate: IsoDate | null;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
}

/** Everything `decide` looks at besides the clock and the settings. */
export interface ScheduleState {
  trigger: Trigger;
  /**
   * When this scheduler started. A scheduled instant before it passed while the
   * process was down (catch-up); one after it passed while it ran without its
   * tick firing (a missed tick).
   */
  startedAt: Date;
  /** Issues not yet sent, and today's issue whatever its status. */
  issues: IssueView[];
  /** Runs of today and of the dates in `issues`. */
  runs: RunView[];
}

/** The schedule settings `decide` needs (from `schedule.*` and `publication.timezone`). */
export interface DecideSettings {
  cron: string;
  timezone: string;
  catchUp: boolean;
  requireApproval: boolean;
  /** Wait this long after a failed attempt before the next one. */
  retryMinutes: number;
  /** Automatic retries after the first failure (ticks still try again). */
  maxRetries: number;
  /** A missed tick is caught up this long after the scheduled instant; default one minute. */
  graceMs?: number;
}

/** Why a build happens. */
export type BuildReason = 'tick' | 'catch-up' | 'missed-tick' | 'retry' | 'resume';

/** Why nothing happens. */
export type IdleReason =
  | 'not-scheduled-today'
  | 'not-due'
  | 'tick-pending'
  | 'sent'
  | 'already-run'
  | 'catch-up-off'
  | 'backoff'
  | 'gave-up';

/** The next action. */
export type Decision =
  | { action: 'build-and-send'; date: IsoDate; reason: BuildReason }
  | { action: 'build-draft'; date: IsoDate; reason: BuildReason }
  | { action: 'send'; date: IsoDate; reason: 'resume' | 'approved' | 'due' }
  | { action: 'wait-approval'; date: IsoDate }
  | { action: 'idle'; reason: IdleReason; date?: IsoDate };

const DONE: ReadonlySet<RunStatus> = new Set(['ok', 'skipped', 'waiting']);
// A tick may fire a moment before the scheduled second; its run still belongs to that schedule.
const JITTER_MS = 5_000;

/** Decide the next action at `now`. */
export function decide(now: Date, state: ScheduleState, s: DecideSettings): Decision {
  const today = issueDateAt(now, s.timezone);

  for (const issue of [...state.issues].sort((a, b) => a.date.localeCompare(b.date))) {
    if (issue.date >= today || issue.status === 'sent') continue;
    if (issue.unfinished === 0 && issue.status !== 'approved') continue;
    if (failureHold(now, state.runs, issue.date, null, s, false)) continue;
    return { action: 'send', date: issue.date, reason: issue.unfinished > 0 ? 'resume' : 'approved' };
  }

  const due = scheduledAt(today, s.cron, s.timezone)?.toJSDate() ?? null;
  const tick = state.trigger === 'tick';
  const isDue = tick || (due !== null && now >= due);
  const since = due ? new Date(due.getTime() - JITTER_MS) : null;
  const hold = failureHold(now, state.runs, today, since, s, tick);
  const issue = state.issues.find((i) => i.date === today);

  if (issue) {
    if (issue.status === 'sent') return { action: 'idle', reason: 'sent', date: today };
    if (hold) return { action: 'idle', reason: hold, date: today };
    // A send that started (even a manual one before the scheduled time) is finished at once.
    if (issue.unfinished > 0) return { action: 'send', date: today, reason: 'resume' };
    if (!isDue) return { action: 'idle', reason: 'not-due', date: today };
    if (issue.status === 'approved') return { action: 'send', date: today, reason: 'approved' };
    if (s.requireApproval) return { action: 'wait-approval', date: today };
    return { action: 'send', date: today, reason: 'due' };
  }

  const build = (reason: BuildReason): Decision => ({ action: s.requireApproval ? 'build-draft' : 'build-and-send', date: today, reason });
  if (tick) return hold === 'backoff' ? { action: 'idle', reason: hold, date: today } : build('tick');
  if (due === null || since === null) return { action: 'idle', reason: 'not-scheduled-today', date: today };
  if (now < due) return { action: 'idle', reason: 'not-due', date: today };
  const runs = state.runs.filter((r) => r.issueDate === today && r.startedAt >= since);
  if (runs.some((r) => DONE.has(r.status))) return { action: 'idle', reason: 'already-run', date: today };
  if (hold) return { action: 'idle', reason: hold, date: today };
  if (runs.some((r) => r.status === 'failed')) return build('retry');
  if (runs.some((r) => r.status === 'interrupted' || r.status === 'running')) return build('resume');
  if (state.startedAt < due) {
    return now.getTime() >= due.getTime() + (s.graceMs ?? 60_000)
      ? build('missed-tick')
      : { action: 'idle', reason: 'tick-pending', date: today };
  }
  return s.catchUp ? build('catch-up') : { action: 'idle', reason: 'catch-up-off', date: today };
}

/**
 * Whether failed attempts for `date` (since `since`) hold the next one back:
 * `backoff` within `retryMinutes` of the last failure, `gave-up` after
 * `maxRetries` retries (not applied to ticks: a scheduled time is a fresh try).
 */
function failureHold(
  now: Date,
  runs: RunView[],
  date: IsoDate,
  since: Date | null,
  s: DecideSettings,
  tick: boolean,
): 'backoff' | 'gave-up' | null {
  const failed = runs.filter((r) => r.issueDate === date && r.status === 'failed' && (!since || r.startedAt >= since));
  if (!failed.length) return null;
  const last = Math.max(...failed.map((r) => (r.finishedAt ?? r.startedAt).getTime()));
  if (now.getTime() - last < s.retryMinutes * 60_000) return 'backoff';
  if (!tick && failed.length > s.maxRetries) return 'gave-up';
  return null;
}

/** A one-line description of a decision, for logs and `digest status`. */
export function describeDecision(d: Decision): string {
  switch (d.action) {
    case 'build-and-send':
      return `build and send the issue of ${d.date} (${d.reason})`;
    case 'build-draft':
      return `build the issue of ${d.date} as a draft for approval (${d.reason})`;
    case 'send':
      return `send the issue of ${d.date} (${d.reason})`;
    case 'wait-approval':
      return `the issue of ${d.date} waits for approval (digest approve --issue ${d.date})`;
    case 'idle':
      return `nothing to do${d.date ? ` for ${d.date}` : ''} (${d.reason})`;
  }
}
